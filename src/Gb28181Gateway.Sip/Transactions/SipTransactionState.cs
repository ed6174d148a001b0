namespace Gb28181Gateway.Sip.Transactions;

/// <summary>RFC 3261 §17 transaction states, with RFC 6026's Accepted for INVITE after a 2xx.</summary>
internal enum SipTransactionState
{
    Calling,
    Trying,
    Proceeding,
    Completed,
    Confirmed,
    Accepted,
    Terminated,
}
