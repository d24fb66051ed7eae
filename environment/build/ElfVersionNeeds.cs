// The Debian 12 compatibility step for TorchSharp's native library, in one place.
//
// TorchSharp 0.107.0's libLibTorchSharp.so was linked with GCC 13 and lists the symbol version GLIBCXX_3.4.32 among its
// needs for a single symbol, std::ios_base_library_init(), a marker that GCC 13's <iostream> references and nothing calls.
// Debian 12's libstdc++ ends at GLIBCXX_3.4.30, so the dynamic loader refuses the library. Marking that one need weak
// (VER_FLG_WEAK in its Elf64_Vernaux entry of .gnu.version_r) lets the loader accept it. This file holds the ELF
// reading and editing (ElfVersionNeeds, compiled into the tests as well) and the MSBuild task that applies it to the copy
// in a project's build output, never to the NuGet cache (WeakenMissingGlibcxx, compiled by RoslynCodeTaskFactory from
// Directory.Build.targets). Written in conservative C# because RoslynCodeTaskFactory compiles it against netstandard.
#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Diffusion.Build
{
    /// <summary>One version that an ELF file needs from one of its libraries (an <c>Elf64_Vernaux</c> entry).</summary>
    public sealed class VersionNeed
    {
        /// <summary>Creates the entry.</summary>
        public VersionNeed(string file, string version, ushort flags, int flagsOffset)
        {
            File = file;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</summary>
        public string File { get; private set; }

        /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Version { get; private set; }

        /// <summary>The entry's <c>vna_flags</c>.</summary>
        public ushort Flags { get; private set; }

        /// <summary>The byte offset of <c>vna_flags</c> in the file.</summary>
        public int FlagsOffset { get; private set; }

        /// <summary>True when the loader may start the program without this version.</summary>
        public bool IsWeak { get { return (Flags & ElfVersionNeeds.VerFlgWeak) != 0; } }
    }

    /// <summary>Reads and edits the version needs (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF file.</summary>
    public static class ElfVersionNeeds
    {
        /// <summary>The <c>VER_FLG_WEAK</c> bit of <c>vna_flags</c>: a need the loader may leave unmet.</summary>
        public const ushort VerFlgWeak = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Every version need of <paramref name="elf"/>, in file order.</summary>
        /// <exception cref="InvalidDataException">The bytes are not a 64-bit little-endian ELF file, or its sections are damaged.</exception>
        public static List<VersionNeed> Read(byte[] elf)
        {
            if (elf == null) throw new ArgumentNullException("elf");
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file");
            }
            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException("not a 64-bit little-endian ELF file");
            }
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3a), shnum = U16(elf, 0x3c);
            var result = new List<VersionNeed>();
            for (int i = 0; i < shnum; i++)
            {
                int sh = Checked(elf, shoff + (long)i * shentsize, 64);
                if (U32(elf, sh + 4) != ShtGnuVerneed)
                {
                    continue;
                }
                int offset = Checked(elf, (long)U64(elf, sh + 0x18), 0);
                int link = (int)U32(elf, sh + 0x28);
                int count = (int)U32(elf, sh + 0x2c);
                int strtab = Checked(elf, (long)U64(elf, Checked(elf, shoff + (long)link * shentsize, 64) + 0x18), 0);
                for (int n = 0; n < count; n++)
                {
                    int need = Checked(elf, offset, 16);
                    int auxCount = U16(elf, need + 2);
                    string file = CString(elf, strtab + (int)U32(elf, need + 4));
                    int aux = need + (int)U32(elf, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        Checked(elf, aux, 16);
                        string version = CString(elf, strtab + (int)U32(elf, aux + 8));
                        result.Add(new VersionNeed(file, version, (ushort)U16(elf, aux + 4), aux + 4));
                        aux += (int)U32(elf, aux + 12);
                    }
                    offset += (int)U32(elf, need + 12);
                }
            }
            return result;
        }

        /// <summary>
        /// Sets <see cref="VerFlgWeak"/> on the need for <paramref name="version"/>, in place. Returns true when a byte
        /// changed, false when the file does not need that version or already needs it weakly.
        /// </summary>
        public static bool MarkWeak(byte[] elf, string version)
        {
            bool changed = false;
            foreach (var need in Read(elf))
            {
                if (need.Version == version && !need.IsWeak)
                {
                    ushort flags = (ushort)(need.Flags | VerFlgWeak);
                    elf[need.FlagsOffset] = (byte)(flags & 0xff);
                    elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                    changed = true;
                }
            }
            return changed;
        }

        /// <summary>True when the library file <paramref name="library"/> defines the version <paramref name="version"/> (its name appears NUL-terminated).</summary>
        public static bool Defines(byte[] library, string version)
        {
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 0; i + needle.Length <= library.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && library[i + j] == needle[j]) j++;
                if (j == needle.Length && (i == 0 || library[i - 1] == 0)) return true;
            }
            return false;
        }

        /// <summary>
        /// The libstdc++ this host's programs load: the one mapped into this process if any, else the first of the usual
        /// places that exists; null where there is none (a system without GNU libstdc++).
        /// </summary>
        public static string FindHostLibStdCxx()
        {
            try
            {
                foreach (var line in System.IO.File.ReadAllLines("/proc/self/maps"))
                {
                    int at = line.IndexOf('/');
                    if (at >= 0 && line.IndexOf("/libstdc++.so.6", StringComparison.Ordinal) >= 0)
                    {
                        return line.Substring(at);
                    }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var candidate in candidates)
            {
                if (System.IO.File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private static int Checked(byte[] elf, long offset, int length)
        {
            if (offset < 0 || offset + length > elf.Length)
            {
                throw new InvalidDataException("ELF structure points outside the file (offset " + offset + ")");
            }
            return (int)offset;
        }

        private static string CString(byte[] elf, int offset)
        {
            Checked(elf, offset, 0);
            int end = Array.IndexOf(elf, (byte)0, offset);
            if (end < 0) throw new InvalidDataException("unterminated string in the ELF string table");
            return Encoding.ASCII.GetString(elf, offset, end - offset);
        }

        private static int U16(byte[] b, long o) { return b[o] | (b[o + 1] << 8); }

        private static uint U32(byte[] b, long o) { return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)); }

        private static ulong U64(byte[] b, long o) { return U32(b, o) | ((ulong)U32(b, o + 4) << 32); }
    }

#if !DIFFUSION_TESTS
    /// <summary>
    /// MSBuild task: on a host whose libstdc++ lacks <see cref="Version"/>, marks that need weak in <see cref="Library"/>
    /// (a copy in the build output) and logs one line saying so. Writes a new file and renames it over the old one, so a
    /// hard link into the NuGet cache is never written through; keeps the timestamp, so the next build does not copy
    /// the original again.
    /// </summary>
    public sealed class WeakenMissingGlibcxx : Microsoft.Build.Utilities.Task
    {
        /// <summary>The library to patch (in the build output).</summary>
        [Microsoft.Build.Framework.Required]
        public string Library { get; set; }

        /// <summary>The version the host may lack.</summary>
        public string Version { get; set; }

        /// <summary>Runs the step.</summary>
        public override bool Execute()
        {
            string version = string.IsNullOrEmpty(Version) ? "GLIBCXX_3.4.32" : Version;
            if (!System.IO.File.Exists(Library)) return true;
            string host = ElfVersionNeeds.FindHostLibStdCxx();
            if (host == null || ElfVersionNeeds.Defines(System.IO.File.ReadAllBytes(host), version)) return true;
            byte[] bytes = System.IO.File.ReadAllBytes(Library);
            if (!ElfVersionNeeds.MarkWeak(bytes, version)) return true;
            var stamp = System.IO.File.GetLastWriteTimeUtc(Library);
            string temp = Library + ".weak-tmp";
            System.IO.File.WriteAllBytes(temp, bytes);
            System.IO.File.SetLastWriteTimeUtc(temp, stamp);
            System.IO.File.Delete(Library);   // unlinks this name only: a hard link into the NuGet cache keeps its data
            System.IO.File.Move(temp, Library);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                "TorchSharp on this host: marked the " + version + " need of " + Library + " weak, because " + host +
                " lacks that version (only the never-called std::ios_base_library_init needs it; the NuGet cache is untouched).");
            return true;
        }
    }
#endif
}
