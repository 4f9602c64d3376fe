import CSupport
#if canImport(Glibc)
import Glibc
#endif

/// Internationalized domain names, for `--configure` (mpop 1.4.21).
public enum DomainName {
    /// `domain` in the ASCII form DNS queries need (libidn2's
    /// `idn2_to_ascii_8z`, non-transitional): `bücher.example` is
    /// `xn--bcher-kva.example`; an ASCII name comes back lower-cased only
    /// where libidn2 does so. `nil` when libidn2 refuses the name.
    public static func ascii(_ domain: String) -> String? {
        guard let converted = csupport_idn_to_ascii(domain) else { return nil }
        defer { free(converted) }
        return String(cString: converted)
    }
}
