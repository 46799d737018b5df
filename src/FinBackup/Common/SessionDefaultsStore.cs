using System.Management.Automation;
using FinBackup.Domain.Connection;

namespace FinBackup.Common
{
    /// <summary>Session defaults live in a global variable of the runspace, like AWS.Tools' $StoredAWSRegion.</summary>
    internal static class SessionDefaultsStore
    {
        internal const string VariableName = "FinBackupDefaults";

        internal static FinSessionDefaults Get(SessionState state)
        {
            var value = state.PSVariable.GetValue("global:" + VariableName);
            if (value is PSObject pso) value = pso.BaseObject;
            return value as FinSessionDefaults;
        }

        internal static void Set(SessionState state, FinSessionDefaults defaults)
        {
            state.PSVariable.Set(new PSVariable("global:" + VariableName, defaults, ScopedItemOptions.None));
        }

        internal static void Clear(SessionState state)
        {
            state.PSVariable.Remove("global:" + VariableName);
        }
    }
}
