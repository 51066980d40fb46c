using Microsoft.Extensions.Options;

namespace Journey.Functions.Hosting;

/// <summary>
/// The one way Journey binds its settings: each options class from its configuration section with the
/// options pattern, checked at start by its own <c>Validate</c> (every problem named with its setting),
/// and registered as itself too, for the classes that take the options rather than <see cref="IOptions{T}"/>.
/// </summary>
public static class JourneyOptions
{
    /// <summary>Binds <typeparamref name="T"/> to the configuration section <paramref name="section"/>, validated at start with <paramref name="validate"/>.</summary>
    public static OptionsBuilder<T> AddJourneyOptions<T>(this IServiceCollection services, string section, Func<T, IReadOnlyList<string>>? validate = null)
        where T : class =>
        services.AddValidated(validate).BindConfiguration(section);

    /// <summary>
    /// Registers <typeparamref name="T"/> read by <paramref name="read"/> from settings that are not one
    /// section (e.g. the connections' identity settings), validated at start with <paramref name="validate"/>.
    /// </summary>
    public static OptionsBuilder<T> AddJourneyOptions<T>(this IServiceCollection services, Action<T, IConfiguration> read, Func<T, IReadOnlyList<string>>? validate = null)
        where T : class =>
        services.AddValidated(validate).Configure(read);

    private static OptionsBuilder<T> AddValidated<T>(this IServiceCollection services, Func<T, IReadOnlyList<string>>? validate)
        where T : class
    {
        if (validate is not null) services.AddSingleton<IValidateOptions<T>>(new Validator<T>(validate));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().ValidateOnStart();
    }

    /// <summary>
    /// Checks every options class registered with <see cref="AddJourneyOptions{T}"/> now (what starting the host does),
    /// for a command that uses the services without starting the host.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; the message names it.</exception>
    public static void ValidateNow(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several options classes failed: one exception with every problem.
            throw new OptionsValidationException("Journey", typeof(JourneyOptions), [.. ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)]);
        }
    }

    private sealed class Validator<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = validate(options);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
