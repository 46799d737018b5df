using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Every backup and restore runs in a fresh process (pwsh, Import-Module, one cmdlet), so a loop over 50,000 files would
    /// run as unoptimised tier-0 code for much of its only pass before tiered compilation catches up. The per-file paths are
    /// marked <see cref="Hot"/>: MethodImplOptions.AggressiveOptimization (512, not in netstandard2.0's enum; .NET Framework
    /// ignores it), compiled optimised on first call.
    /// </summary>
    internal static class JitHints
    {
        public const MethodImplOptions Hot = (MethodImplOptions)512;
    }
}
