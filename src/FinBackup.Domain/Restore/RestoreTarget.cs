using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// Where an application's resources go when restored in one region (policy: Applications[].RestoreTargets['us-west-2']).
    /// A restore in another region than the one a point was taken in maps every recorded subnet and security group through
    /// these tables; a recorded id without an entry fails the restore (FinRestoreTargetMappingMissing) before anything is made.
    /// </summary>
    public sealed class RestoreTarget
    {
        /// <summary>Primary subnet id -> subnet id in this region.</summary>
        public IDictionary<string, string> SubnetIds { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Primary security group id -> security group id in this region (EC2 and the DB's VPC security groups).</summary>
        public IDictionary<string, string> SecurityGroupIds { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>The DB subnet group restored databases use in this region.</summary>
        public string DBSubnetGroupName { get; set; }
        /// <summary>DB parameter group in this region (null: the recorded name, which must then exist here).</summary>
        public string DBParameterGroupName { get; set; }
        /// <summary>DB option group in this region (null: the recorded name).</summary>
        public string OptionGroupName { get; set; }
        /// <summary>EC2 key pair in this region (null: the recorded name).</summary>
        public string KeyName { get; set; }
        /// <summary>IAM instance profile (global, usually the same; null: the recorded one).</summary>
        public string IamInstanceProfile { get; set; }
        /// <summary>Invoke-FinFailover: an existing VPC in this region (id or Name tag) to rebuild in; null: the failover builds the blueprint's VPC.</summary>
        public string VpcId { get; set; }
    }
}
