using Journey.Domain.Telemetry;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>Request units and operations counted up to a moment; subtract two to get what happened in between.</summary>
public readonly record struct RequestChargeSnapshot(double RequestCharge, long Operations)
{
    public static RequestChargeSnapshot operator -(RequestChargeSnapshot later, RequestChargeSnapshot earlier) =>
        new(later.RequestCharge - earlier.RequestCharge, later.Operations - earlier.Operations);

    public static RequestChargeSnapshot Subtract(RequestChargeSnapshot later, RequestChargeSnapshot earlier) => later - earlier;
}

/// <summary>
/// Sums the request charges (RU) the Cosmos DB store reports, for the whole store and per unit of
/// work. A processor host reads the charge of one batch either with a scope
/// (<c>using var scope = meter.BeginScope(); … scope.RequestCharge</c>: counts only the operations
/// awaited in that async flow, so batches running in parallel do not mix) or with
/// <see cref="SnapshotAndReset"/> when batches run one at a time. Thread-safe.
/// </summary>
public sealed class RequestChargeMeter
{
    private static readonly AsyncLocal<Scope?> CurrentScope = new();
    private readonly Lock _lock = new();
    private double _total;
    private long _operations;

    /// <summary>Request units charged since creation or the last reset.</summary>
    public double TotalRequestCharge
    {
        get
        {
            lock (_lock) return _total;
        }
    }

    /// <summary>Operations (requests, query pages) counted since creation or the last reset.</summary>
    public long Operations
    {
        get
        {
            lock (_lock) return _operations;
        }
    }

    /// <summary>The totals now.</summary>
    public RequestChargeSnapshot Snapshot()
    {
        lock (_lock) return new RequestChargeSnapshot(_total, _operations);
    }

    /// <summary>The totals now, and starts counting again from zero.</summary>
    public RequestChargeSnapshot SnapshotAndReset()
    {
        lock (_lock)
        {
            var snapshot = new RequestChargeSnapshot(_total, _operations);
            _total = 0;
            _operations = 0;
            return snapshot;
        }
    }

    /// <summary>
    /// Starts counting the charges of the operations run in the current async flow (and the tasks it
    /// starts) until the scope is disposed; scopes nest, an inner scope's charges also count in the outer ones.
    /// </summary>
    public Scope BeginScope()
    {
        var scope = new Scope(this, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>Adds one operation's charge (called by the store for every response, failed ones included).</summary>
    public void Add(double requestCharge)
    {
        if (double.IsNaN(requestCharge) || requestCharge < 0) requestCharge = 0;
        JourneyMetrics.Charged(requestCharge);
        lock (_lock)
        {
            _total += requestCharge;
            _operations++;
        }
        for (var scope = CurrentScope.Value; scope is not null; scope = scope.Parent)
        {
            if (scope.Meter == this && !scope.IsDisposed) scope.Add(requestCharge);
        }
    }

    /// <summary>The charges of the operations of one unit of work (<see cref="BeginScope"/>).</summary>
    public sealed class Scope : IDisposable
    {
        private readonly Lock _lock = new();
        private double _charge;
        private long _operations;

        internal Scope(RequestChargeMeter meter, Scope? parent)
        {
            Meter = meter;
            Parent = parent;
        }

        internal RequestChargeMeter Meter { get; }

        internal Scope? Parent { get; }

        internal bool IsDisposed { get; private set; }

        /// <summary>Request units charged in this scope so far.</summary>
        public double RequestCharge
        {
            get
            {
                lock (_lock) return _charge;
            }
        }

        /// <summary>Operations counted in this scope so far.</summary>
        public long Operations
        {
            get
            {
                lock (_lock) return _operations;
            }
        }

        public RequestChargeSnapshot Snapshot()
        {
            lock (_lock) return new RequestChargeSnapshot(_charge, _operations);
        }

        internal void Add(double requestCharge)
        {
            lock (_lock)
            {
                _charge += requestCharge;
                _operations++;
            }
        }

        /// <summary>Stops counting; the totals stay readable.</summary>
        public void Dispose()
        {
            if (IsDisposed) return;
            IsDisposed = true;
            if (CurrentScope.Value == this) CurrentScope.Value = Parent;
        }
    }
}
