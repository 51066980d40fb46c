using System.Text.Json.Serialization;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Feedback;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;

namespace Journey.Domain.Serialization;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(JourneyEvent))]
[JsonSerializable(typeof(List<JourneyEvent>))]
[JsonSerializable(typeof(CustomerDocument))]
[JsonSerializable(typeof(FoldState))]
[JsonSerializable(typeof(JourneyState))]
[JsonSerializable(typeof(TransitionDocument))]
[JsonSerializable(typeof(List<TransitionDocument>))]
[JsonSerializable(typeof(DeadLetterDocument))]
[JsonSerializable(typeof(MetricsDocument))]
[JsonSerializable(typeof(List<MetricsDocument>))]
[JsonSerializable(typeof(Predictions))]
[JsonSerializable(typeof(Ports.LifecycleStatus))]
[JsonSerializable(typeof(RetentionMetrics))]
[JsonSerializable(typeof(RfmMetrics))]
[JsonSerializable(typeof(FunnelMetrics))]
[JsonSerializable(typeof(JourneyMapMetrics))]
[JsonSerializable(typeof(RatesMetrics))]
[JsonSerializable(typeof(ClvMetrics))]
[JsonSerializable(typeof(RatesPeriod))]
[JsonSerializable(typeof(RatesPeriodSeries))]
[JsonSerializable(typeof(BestCustomersMetrics))]
[JsonSerializable(typeof(ActionsMetrics))]
[JsonSerializable(typeof(FeedbackItem))]
[JsonSerializable(typeof(ActionDocument))]
[JsonSerializable(typeof(List<ActionDocument>))]
[JsonSerializable(typeof(PainPointDocument))]
[JsonSerializable(typeof(List<PainPointDocument>))]
internal sealed partial class JourneyJsonContext : JsonSerializerContext;
