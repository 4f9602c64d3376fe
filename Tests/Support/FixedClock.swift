import Foundation

/// A clock stopped at a chosen second, through an `LD_PRELOAD` library that
/// replaces `time(2)`: what mpop (C and ours) writes in the Received header
/// at that moment. `clock_gettime`, and so every timeout, is left alone.
public enum FixedClock {
    /// The environment that makes `time()` in a program return `seconds`.
    public static func environment(seconds: Int) throws -> [String: String] {
        ["LD_PRELOAD": try PreloadLibrary.build(name: "mpop-clock", source: cSource),
         "MPOP_FIXED_TIME": String(seconds)]
    }

    private static let cSource = #"""
        #include <stdlib.h>
        #include <time.h>

        time_t time(time_t *result)
        {
            const char *fixed = getenv("MPOP_FIXED_TIME");
            time_t now = fixed ? (time_t)atoll(fixed) : 0;
            if (result)
                *result = now;
            return now;
        }
        """#
}
