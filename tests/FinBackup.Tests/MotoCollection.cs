using FinBackup.TestSupport;

namespace FinBackup.Tests;

/// <summary>Tests in this collection share one moto_server; reset it at the start of each test.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
