using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Journey.Domain.Actions;

/// <summary>
/// The control groups of the action rules: a customer is held out of a rule when a hash of the rule
/// and the customer id falls below the rule's share. Deterministic (the same customer is in or out on
/// every run, every machine and after a replay), and independent per rule (a customer held out of one
/// rule is not thereby held out of the others).
/// </summary>
public static class Holdout
{
    /// <summary>Whether <paramref name="customerId"/> is in the control group of <paramref name="actionType"/>, which keeps <paramref name="share"/> (0-1) of the customers.</summary>
    public static bool IsHeldOut(string actionType, string customerId, double share)
    {
        ArgumentNullException.ThrowIfNull(actionType);
        ArgumentNullException.ThrowIfNull(customerId);
        if (share <= 0) return false;
        if (share >= 1) return true;
        return Position(actionType, customerId) < share;
    }

    /// <summary>The customer's place in [0, 1) for the rule: the first 8 bytes of SHA-256("{rule}\n{customer}").</summary>
    public static double Position(string actionType, string customerId)
    {
        ArgumentNullException.ThrowIfNull(actionType);
        ArgumentNullException.ThrowIfNull(customerId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{actionType}\n{customerId}"), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) / (double)(1UL << 53);
    }
}
