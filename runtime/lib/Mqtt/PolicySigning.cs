using System.Security.Cryptography;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>Signed policy messages (trpoedge/policy/ENV): ECDSA P-256 with SHA-256 over the exact bytes of the
/// serialized PolicyRelease, signature in IEEE P1363 form (r ‖ s, 64 bytes). Signing the bytes as transmitted —
/// not a re-serialization — means no canonical-form rules: the verifier checks what it will parse. Keys are PEM:
/// the private key PKCS#8 ("PRIVATE KEY"), the public key SubjectPublicKeyInfo ("PUBLIC KEY").</summary>
public static class PolicySigning
{
    public static SignedPolicy Sign(PolicyRelease release, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(release);
        RequireP256(key, "signing key");
        byte[] bytes = release.ToByteArray();
        return new SignedPolicy
        {
            Release = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            KeyId = KeyId(key),
        };
    }

    /// <summary>True when <paramref name="signed"/> carries a valid signature by <paramref name="trusted"/>.</summary>
    public static bool Verify(SignedPolicy signed, ECDsa trusted) =>
        signed.Signature.Length == 64
        && trusted.VerifyData(signed.Release.Span, signed.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>The first 16 hex digits of SHA-256 over the public key's SubjectPublicKeyInfo: names a key in logs.</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>Writes a new P-256 key pair: <paramref name="privatePath"/> (PKCS#8 PEM, readable by its owner only
    /// on Unix) and <paramref name="publicPath"/> (SPKI PEM, to give every runtime as --trust). Refuses to overwrite.</summary>
    public static string GenerateKeyPair(string privatePath, string publicPath)
    {
        foreach (string p in new[] { privatePath, publicPath })
            if (File.Exists(p)) throw new IOException($"{p} exists; refusing to overwrite a key. Choose another --out or delete it first.");
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(privatePath, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
        return KeyId(key);
    }

    public static ECDsa LoadPrivateKey(string path) => Load(path, isPrivate: true);

    public static ECDsa LoadPublicKey(string path) => Load(path, isPrivate: false);

    private static ECDsa Load(string path, bool isPrivate)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The {(isPrivate ? "signing" : "trusted public")} key {path} does not exist; make a pair with `exporter keygen --out NAME`.", path);
        var key = ECDsa.Create();
        try
        {
            string pem = File.ReadAllText(path);
            if (!isPrivate && pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
                throw new ArgumentException($"{path} holds a PRIVATE key; a runtime should trust the PUBLIC key (NAME.pub.pem) only.");
            key.ImportFromPem(pem);
            if (isPrivate && !HasPrivate(key))
                throw new ArgumentException($"{path} holds a public key; signing needs the private key (the NAME.pem written by exporter keygen).");
            RequireP256(key, path);
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new ArgumentException($"{path} is not a usable ECDSA P-256 {(isPrivate ? "private" : "public")} key in PEM form: {e.Message}", e);
        }
    }

    private static bool HasPrivate(ECDsa key)
    {
        try
        {
            return key.ExportParameters(true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static void RequireP256(ECDsa key, string what)
    {
        ECCurve curve = key.ExportParameters(false).Curve;
        string? oid = curve.Oid?.Value, name = curve.Oid?.FriendlyName;
        bool p256 = key.KeySize == 256 && (oid == "1.2.840.10045.3.1.7" || (oid is null && name is "nistP256" or "ECDSA_P256" or "secp256r1"));
        if (!p256)
            throw new ArgumentException($"The {what} is a {key.KeySize}-bit key on curve {name ?? oid ?? "?"}; TrpoEdge policies are signed with ECDSA P-256 (nistP256).");
    }
}
