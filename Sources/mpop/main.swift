#if canImport(Glibc)
import Glibc
#endif
import POP3Core

let status = MpopCommand.main(arguments: CommandLine.arguments)
exit(status.rawValue)
