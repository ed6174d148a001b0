namespace Gb28181Gateway.Cascade.Lower;

/// <summary>The event packages the gateway subscribes devices to (the SUBSCRIBE's Event and its MANSCDP query's CmdType).</summary>
public enum SubscriptionPackage
{
    Catalog,
    Alarm,
    MobilePosition,
}
