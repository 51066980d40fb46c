using Journey.Domain.Events;

namespace Journey.Domain.Collection;

/// <summary>Segment message type names and the collector routes that carry them.</summary>
public static class SegmentRoutes
{
    /// <summary>The message types in the spec's words, for error messages.</summary>
    public const string TypeList = "track, identify, page, screen, group or alias";

    /// <summary>Parses a message type name (track, identify, page, screen, group, alias; any case).</summary>
    public static bool TryParseType(ReadOnlySpan<char> name, out MessageType type)
    {
        type = default;
        name = name.Trim();
        if (name.Equals("track", StringComparison.OrdinalIgnoreCase)) type = MessageType.Track;
        else if (name.Equals("identify", StringComparison.OrdinalIgnoreCase)) type = MessageType.Identify;
        else if (name.Equals("page", StringComparison.OrdinalIgnoreCase)) type = MessageType.Page;
        else if (name.Equals("screen", StringComparison.OrdinalIgnoreCase)) type = MessageType.Screen;
        else if (name.Equals("group", StringComparison.OrdinalIgnoreCase)) type = MessageType.Group;
        else if (name.Equals("alias", StringComparison.OrdinalIgnoreCase)) type = MessageType.Alias;
        else return false;
        return true;
    }

    /// <summary>
    /// The message type of a <c>/v1/{route}</c> route: the full names and analytics.js' short routes
    /// (t, i, p, s, g, a). False for batch and unknown routes.
    /// </summary>
    public static bool TryGetRouteType(ReadOnlySpan<char> route, out MessageType type)
    {
        type = default;
        route = route.Trim('/');
        if (route.Length == 1)
        {
            switch (char.ToLowerInvariant(route[0]))
            {
                case 't': type = MessageType.Track; return true;
                case 'i': type = MessageType.Identify; return true;
                case 'p': type = MessageType.Page; return true;
                case 's': type = MessageType.Screen; return true;
                case 'g': type = MessageType.Group; return true;
                case 'a': type = MessageType.Alias; return true;
                default: return false;
            }
        }
        return TryParseType(route, out type);
    }

    /// <summary>True for <c>/v1/batch</c> and analytics.js' <c>/v1/b</c>.</summary>
    public static bool IsBatchRoute(ReadOnlySpan<char> route)
    {
        route = route.Trim('/');
        return route.Equals("batch", StringComparison.OrdinalIgnoreCase) || route.Equals("b", StringComparison.OrdinalIgnoreCase);
    }
}
