using System.Buffers.Binary;

namespace Journey.Functions.Tests.Deployment;

/// <summary>The machine an ELF file (a Linux executable or shared library) was built for, from its header.</summary>
public static class ElfMachine
{
    /// <summary><c>EM_X86_64</c>.</summary>
    public const ushort X64 = 0x3E;

    /// <summary><c>e_machine</c> of the file (little-endian ELF), or throws when the file is not ELF.</summary>
    public static ushort Of(string path)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(path))
            file.ReadExactly(header);
        if (header[0] != 0x7F || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file");
        if (header[5] != 1) throw new InvalidDataException($"{path} is a big-endian ELF file");
        return BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18, 2));
    }
}
