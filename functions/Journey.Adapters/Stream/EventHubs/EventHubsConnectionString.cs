using System.Diagnostics.CodeAnalysis;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>
/// The parts of an Event Hubs SAS connection string:
/// <c>Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=…[;EntityPath=hub]</c>,
/// or a ready-made token (<c>SharedAccessSignature=SharedAccessSignature sr=…</c>) instead of the key.
/// Keys are case-insensitive; values may contain '=' (base64 padding).
/// </summary>
internal sealed record EventHubsConnectionString(string Namespace, string? KeyName, string? Key, string? SharedAccessSignature, string? EntityPath)
{
    public static bool TryParse(string text, [NotNullWhen(true)] out EventHubsConnectionString? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        string? endpoint = null, keyName = null, key = null, signature = null, entityPath = null;
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = "every part must be Name=Value.";
                return false;
            }

            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "endpoint": endpoint = value; break;
                case "sharedaccesskeyname": keyName = value; break;
                case "sharedaccesskey": key = value; break;
                case "sharedaccesssignature": signature = value; break;
                case "entitypath": entityPath = value.Length == 0 ? null : value; break;
                default: break; // e.g. UseDevelopmentEmulator, TransportType: not used over REST
            }
        }

        if (string.IsNullOrEmpty(endpoint))
        {
            error = "Endpoint=sb://<namespace>.servicebus.windows.net/ is missing.";
            return false;
        }

        if (EventHubsOptions.NormalizeNamespace(endpoint) is not { } ns)
        {
            error = $"Endpoint '{endpoint}' is not a namespace address such as sb://myns.servicebus.windows.net/.";
            return false;
        }

        if (string.IsNullOrEmpty(signature) && (string.IsNullOrEmpty(keyName) || string.IsNullOrEmpty(key)))
        {
            error = "SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature) are required.";
            return false;
        }

        if (!string.IsNullOrEmpty(signature) && !signature.StartsWith("SharedAccessSignature ", StringComparison.Ordinal))
        {
            error = "SharedAccessSignature must be a token starting with 'SharedAccessSignature sr='.";
            return false;
        }

        error = null;
        result = new EventHubsConnectionString(ns, keyName, key, string.IsNullOrEmpty(signature) ? null : signature, entityPath);
        return true;
    }

    // The key must never end up in a log line.
    public override string ToString() => $"Endpoint=sb://{Namespace}/;SharedAccessKeyName={KeyName};SharedAccessKey=***";
}
