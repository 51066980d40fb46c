using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// Consumer checkpoints of the embedded stream: per consumer group, per partition, the next
/// sequence number to read. Kept in <c>{DataDirectory}/stream/checkpoints/{group}.json</c>
/// (<c>{"consumerGroup":"journey","partitions":{"0":120,"1":97}}</c>), written atomically
/// (temporary file flushed to disk, then renamed over the old one). Concurrent commits of one
/// group are coalesced: a caller whose position is already covered by a write that finished
/// while it waited does not write again.
/// </summary>
public sealed class CheckpointStore
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);

    /// <summary>The store in <c>{DataDirectory}/stream/checkpoints</c>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public CheckpointStore(IOptions<EmbeddedStreamOptions> options)
        : this(Validated(options.Value).CheckpointDirectory)
    {
    }

    internal CheckpointStore(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>The folder holding one file per consumer group.</summary>
    public string Directory { get; }

    /// <summary>The checkpoint file of a consumer group.</summary>
    public string PathOf(string consumerGroup)
    {
        if (!EmbeddedStreamOptions.IsValidConsumerGroup(consumerGroup))
            throw new ArgumentException($"'{consumerGroup}' is not a valid consumer group name (1-64 letters, digits, '.', '_' or '-').", nameof(consumerGroup));
        return Path.Combine(Directory, consumerGroup + ".json");
    }

    /// <summary>The consumer groups that have checkpoints (a file on disk or a commit in this process).</summary>
    public IReadOnlyList<string> ListConsumerGroups()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (EmbeddedStreamOptions.IsValidConsumerGroup(name)) names.Add(name);
        }

        lock (_sync) names.UnionWith(_groups.Keys);
        return [.. names];
    }

    /// <summary>Every checkpoint of a consumer group, partition name → next sequence to read (empty when it has none).</summary>
    /// <exception cref="InvalidDataException">The checkpoint file is not one this store wrote.</exception>
    public IReadOnlyDictionary<string, long> Get(string consumerGroup)
    {
        var state = State(consumerGroup);
        lock (_sync) return new Dictionary<string, long>(state.Positions, StringComparer.Ordinal);
    }

    /// <summary>The next sequence to read in one partition; 0 when the group has no checkpoint there.</summary>
    public long GetPosition(string consumerGroup, string partition)
    {
        var state = State(consumerGroup);
        lock (_sync) return state.Positions.GetValueOrDefault(partition, 0);
    }

    /// <summary>Sets one partition's checkpoint and returns once it is on disk.</summary>
    public Task CommitAsync(string consumerGroup, string partition, long nextSequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(nextSequence);
        return CommitAsync(consumerGroup, new Dictionary<string, long>(StringComparer.Ordinal) { [partition] = nextSequence }, cancellationToken);
    }

    /// <summary>Sets the checkpoints of the given partitions (others keep theirs) and returns once they are on disk.</summary>
    public async Task CommitAsync(string consumerGroup, IReadOnlyDictionary<string, long> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var state = State(consumerGroup);
        long version;
        lock (_sync)
        {
            foreach (var (partition, next) in positions)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(next, nameof(positions));
                state.Positions[partition] = next;
            }

            version = ++state.Version;
        }

        await state.WriteLock.WaitAsync(cancellationToken);
        try
        {
            if (state.PersistedVersion >= version) return; // another commit wrote ours too
            byte[] json;
            long writing;
            lock (_sync)
            {
                json = Serialize(consumerGroup, state.Positions);
                writing = state.Version;
            }

            DurableFile.WriteAtomically(state.Path, json);
            state.PersistedVersion = writing;
        }
        finally
        {
            state.WriteLock.Release();
        }
    }

    private static EmbeddedStreamOptions Validated(EmbeddedStreamOptions options)
    {
        options.ThrowIfInvalid();
        return options;
    }

    private GroupState State(string consumerGroup)
    {
        var path = PathOf(consumerGroup);
        lock (_sync)
        {
            if (_groups.TryGetValue(consumerGroup, out var state)) return state;
        }

        var loaded = Load(path);
        lock (_sync)
        {
            if (_groups.TryGetValue(consumerGroup, out var state)) return state;
            state = new GroupState(path, loaded);
            _groups.Add(consumerGroup, state);
            return state;
        }
    }

    private static Dictionary<string, long> Load(string path)
    {
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists(path)) return positions;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"The checkpoint file {path} has no \"partitions\" object.");
            foreach (var p in partitions.EnumerateObject())
            {
                if (!p.Value.TryGetInt64(out var next) || next < 0)
                    throw new InvalidDataException($"The checkpoint file {path} has an invalid position for partition '{p.Name}': {p.Value.GetRawText()}.");
                positions[p.Name] = next;
            }

            return positions;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The checkpoint file {path} is not valid JSON ({ex.Message}). Fix it, or delete it to make the consumer group start again from the oldest retained events.", ex);
        }
    }

    private static byte[] Serialize(string consumerGroup, Dictionary<string, long> positions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("consumerGroup", consumerGroup);
            writer.WriteStartObject("partitions");
            foreach (var (partition, next) in positions.OrderBy(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal))
                writer.WriteNumber(partition, next);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed class GroupState(string path, Dictionary<string, long> positions)
    {
        public string Path { get; } = path;

        public Dictionary<string, long> Positions { get; } = positions;

        public long Version { get; set; }

        public long PersistedVersion { get; set; }

        public SemaphoreSlim WriteLock { get; } = new(1, 1);
    }
}
