/// The text of `mpop --help`: mpop 1.4.18's, word for word, but for the
/// address for bug reports and the lines for our own `--summary`,
/// `--simultaneous-accounts` and `--oauth2-authorize`.
enum HelpText {
    static let text = """
        Usage:

        Mail retrieval mode (default):
          mpop [option...] account...
          mpop [option...] --all-accounts
          mpop --host=host [option...]
          Read mails from one or more POP3 accounts and deliver them.
        Configuration mode:
          mpop --configure=mailaddress
          Generate and print configuration for address.
        Server information mode:
          mpop [option...] --serverinfo account...
          mpop --host=host [option...] --serverinfo
          Print information about one or more POP3 servers.

        General options:
          --version                    print version
          --help                       print help
          -P, --pretend                print configuration info and exit
          -d, --debug                  print debugging information
        Changing the mode of operation:
          --configure=mailaddress      generate and print configuration for address
          -S, --serverinfo             print information about the server
          --oauth2-authorize[=(browser|device)]  authorize an account for OAuth 2.0 once
        Configuration options:
          -C, --file=filename          set configuration file
          --host=hostname              set the server, use only command-line settings;
                                       do not use any configuration file data
          --port=number                set port number
          --source-ip=[IP]             set/unset source ip address to bind the socket to
          --proxy-host=[IP|hostname]   set/unset proxy
          --proxy-port=[number]        set/unset proxy port
          --socket=[socketname]        set/unset local socket to connect to
          --timeout=(off|seconds)      set/unset network timeout in seconds
          --pipelining=(auto|on|off)   enable/disable pipelining
          --received-header[=(on|off)] enable/disable Received-header
          --auth[=(on|method)]         choose the authentication method
          --user=[username]            set/unset user name for authentication
          --passwordeval=[eval]        evaluate password for authentication
          --tls[=(on|off)]             enable/disable TLS encryption
          --tls-starttls[=(on|off)]    enable/disable STARTTLS for TLS
          --tls-trust-file=[file]      set/unset trust file for TLS
          --tls-crl-file=[file]        set/unset revocation file for TLS
          --tls-fingerprint=[f]        set/unset trusted certificate fingerprint for TLS
          --tls-certcheck[=(on|off)]   enable/disable server certificate checks for TLS
          --tls-key-file=[file]        set/unset private key file for TLS
          --tls-cert-file=[file]       set/unset private cert file for TLS
          --tls-priorities=[prios]     set/unset TLS priorities.
          --tls-host-override=[host]   set/unset override for TLS host verification.
          --tls-min-dh-prime-bits=[b]  set/unset minimum bit size of DH prime
        Options specific to mail retrieval mode:
          -q, --quiet                  do not display status or progress information
          -Q, --half-quiet             display status but not progress information
          -a, --all-accounts           query all accounts in the configuration file
          -A, --auth-only              authenticate only; do not retrieve mail
          -s, --status-only            print account status only; do not retrieve mail
          -n, --only-new[=(on|off)]    process only new messages
          -k, --keep[=(on|off)]        do not delete mails from servers
          --killsize=(off|number)      set/unset kill size
          --skipsize=(off|number)      set/unset skip size
          --filter=[program]           set/unset header filter
          --delivery=method,arg        set the mail delivery method
          --uidls-file=filename        set file to store UIDLs
          --summary=(off|json)         print one line of JSON per account when done
          --simultaneous-accounts=n    fetch from up to n accounts at once (1: one by one)

        Report bugs to the issue tracker of mpop in Swift.

        """
}
