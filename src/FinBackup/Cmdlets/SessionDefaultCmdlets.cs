using System;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Domain.Connection;

namespace FinBackup.Cmdlets
{
    /// <summary>Sets the session defaults (region, profile, endpoint) every FinBackup cmdlet uses when not told otherwise.</summary>
    [Cmdlet(VerbsCommon.Set, "FinDefault", SupportsShouldProcess = true)]
    [OutputType(typeof(FinSessionDefaults))]
    public sealed class SetFinDefaultCommand : FinCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("RegionToCall")]
        [FinBackup.Completion.RegionCompleter]
        public string Region { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("StoredCredentials", "AWSProfileName")]
        [FinBackup.Completion.ProfileNameCompleter]
        public string ProfileName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AWSProfilesLocation", "ProfilesLocation")]
        public string ProfileLocation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string EndpointUrl { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (EndpointUrl != null && !Uri.TryCreate(EndpointUrl, UriKind.Absolute, out _))
            {
                ThrowFinError(new ArgumentException($"-EndpointUrl '{EndpointUrl}' is not an absolute URL."), "FinDefaultEndpointInvalid",
                    ErrorCategory.InvalidArgument, EndpointUrl, "Give a URL such as http://127.0.0.1:5000 or https://ec2.eu-west-1.amazonaws.com.");
            }
            var regionError = RegionArgument.Check(Region, "-Region");
            if (regionError != null) ThrowFinError(regionError, Region);
            var current = SessionDefaultsStore.Get(SessionState) ?? new FinSessionDefaults();
            var updated = new FinSessionDefaults
            {
                Region = MyInvocation.BoundParameters.ContainsKey(nameof(Region)) ? NullIfEmpty(Region) : current.Region,
                ProfileName = MyInvocation.BoundParameters.ContainsKey(nameof(ProfileName)) ? NullIfEmpty(ProfileName) : current.ProfileName,
                ProfileLocation = MyInvocation.BoundParameters.ContainsKey(nameof(ProfileLocation)) ? NullIfEmpty(ProfileLocation) : current.ProfileLocation,
                EndpointUrl = MyInvocation.BoundParameters.ContainsKey(nameof(EndpointUrl)) ? NullIfEmpty(EndpointUrl) : current.EndpointUrl,
            };
            if (ShouldProcess("FinBackup session defaults", $"Set region '{updated.Region}', profile '{updated.ProfileName}', endpoint '{updated.EndpointUrl}'"))
            {
                SessionDefaultsStore.Set(SessionState, updated);
                if (PassThru) WriteObject(updated);
            }
        }

        private static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;
    }

    /// <summary>Shows the session defaults.</summary>
    [Cmdlet(VerbsCommon.Get, "FinDefault")]
    [OutputType(typeof(FinSessionDefaults))]
    public sealed class GetFinDefaultCommand : FinCmdlet
    {
        protected override void ProcessRecord()
        {
            WriteObject(SessionDefaultsStore.Get(SessionState) ?? new FinSessionDefaults());
        }
    }

    /// <summary>Clears the session defaults.</summary>
    [Cmdlet(VerbsCommon.Clear, "FinDefault", SupportsShouldProcess = true)]
    public sealed class ClearFinDefaultCommand : FinCmdlet
    {
        protected override void ProcessRecord()
        {
            if (ShouldProcess("FinBackup session defaults", "Clear"))
            {
                SessionDefaultsStore.Clear(SessionState);
            }
        }
    }
}
