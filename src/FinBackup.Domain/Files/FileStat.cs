using System;
using System.IO;
using System.Runtime.InteropServices;

namespace FinBackup.Domain.Files
{
    /// <summary>Size, modification time, inode and mode of a file; inode and mode come from stat(2) on Linux, 0 elsewhere.</summary>
    public struct FileStat : IEquatable<FileStat>
    {
        public long Size;
        public long ModifiedTicks;
        public ulong Inode;
        public int Mode;

        public DateTime ModifiedAt => new DateTime(ModifiedTicks, DateTimeKind.Utc);

        public bool Equals(FileStat other) => Size == other.Size && ModifiedTicks == other.ModifiedTicks && Inode == other.Inode;
        public override bool Equals(object obj) => obj is FileStat s && Equals(s);
        public override int GetHashCode() => Size.GetHashCode() ^ ModifiedTicks.GetHashCode();

        public static FileStat Of(FileInfo info)
        {
            info.Refresh();
            var stat = new FileStat { Size = info.Length, ModifiedTicks = info.LastWriteTimeUtc.Ticks };
            NativeStat.Fill(info.FullName, ref stat);
            return stat;
        }
    }

    /// <summary>stat(2) and chmod(2) through libc on Linux (x64 and arm64 layouts); no-ops elsewhere.</summary>
    internal static class NativeStat
    {
        private static readonly bool Linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        private static bool _broken;
        [ThreadStatic] private static byte[] _buffer;

        [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
        private static extern int stat_native(string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
        private static extern int chmod_native(string path, uint mode);

        internal static void Fill(string path, ref FileStat stat)
        {
            if (!Linux || _broken) return;
            var buf = _buffer ?? (_buffer = new byte[256]);
            try
            {
                if (stat_native(path, buf) != 0) return;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                _broken = true;
                return;
            }
            // struct stat: st_dev (8), st_ino (8) on both x86_64 and aarch64; st_mode at 24 (x86_64, after st_nlink) or 16 (aarch64).
            stat.Inode = BitConverter.ToUInt64(buf, 8);
            var modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
            stat.Mode = BitConverter.ToInt32(buf, modeOffset) & 0xFFF;
        }

        internal static void Chmod(string path, int mode)
        {
            if (!Linux || _broken || mode <= 0) return;
            try
            {
                chmod_native(path, (uint)(mode & 0xFFF));
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                _broken = true;
            }
        }
    }
}
