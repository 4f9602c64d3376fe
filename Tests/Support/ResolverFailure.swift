import Foundation

/// A resolver that always fails, through an `LD_PRELOAD` library that
/// replaces `getaddrinfo` with one returning a chosen `EAI_*` code: the way
/// a name server that does not answer (`EAI_AGAIN`) or a name that does not
/// exist (`EAI_NONAME`) looks to the program, with no network at all.
public enum ResolverFailure {
    /// `EAI_AGAIN`: "Temporary failure in name resolution".
    public static let temporary: Int32 = EAI_AGAIN
    /// `EAI_NONAME`: "Name or service not known".
    public static let noSuchName: Int32 = EAI_NONAME

    /// The environment that makes every `getaddrinfo` in a program fail with `code`.
    public static func environment(code: Int32) throws -> [String: String] {
        ["LD_PRELOAD": try library(), "MPOP_GETADDRINFO_FAILURE": String(code)]
    }

    static func library() throws -> String {
        try PreloadLibrary.build(name: "mpop-resolver", source: cSource)
    }

    private static let cSource = #"""
        #include <netdb.h>
        #include <stdlib.h>

        int getaddrinfo(const char *node, const char *service,
                        const struct addrinfo *hints, struct addrinfo **res)
        {
            const char *code = getenv("MPOP_GETADDRINFO_FAILURE");
            (void)node; (void)service; (void)hints;
            *res = NULL;
            return code ? atoi(code) : EAI_AGAIN;
        }
        """#
}
