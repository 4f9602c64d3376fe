/// The differential corpus: configurations and command lines that mpop
/// 1.4.18 accepts (shown with `-P`) and rejects (one case per message).
/// Hosts are loopback addresses; nothing here connects or looks a name up.
enum ConfigCorpus {
    /// An account `a` that passes every check in retrieval mode.
    static let base = "account a\nhost 127.0.0.1\ndelivery mda cat\n"

    static let fingerprint256 = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"
    static let fingerprint1 = "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 01 23 45 67"
    static let fingerprintMD5 = "0f:1e:2d:3c:4b:5a:69:78:87:96:a5:b4:c3:d2:e1:f0"

    static let valid: [ConfigCase] = [
        .pretend("appendix A sample", """
            defaults
            tls off
            delivery mbox ~/mbox

            account sample
            host 127.0.0.1
            port 1110
            user alice
            password secret
            auth user
            keep on

            """, "sample"),
        .pretend("minimal account", base, "a"),
        .serverInfo("server information block stops after tls_host_override", base, "a"),
        .serverInfo("server information needs no delivery", "account a\nhost 127.0.0.1\n", "a"),
        .pretend("source_ip", base + "source_ip 127.0.0.2\n", "a"),
        .pretend("source_ip empty unsets", base + "source_ip 127.0.0.2\nsource_ip\n", "a"),
        .pretend("proxy_host gives port 1080", base + "proxy_host 127.0.0.3\n", "a"),
        .pretend("proxy_port set", base + "proxy_host 127.0.0.3\nproxy_port 9050\n", "a"),
        .pretend("proxy_port alone", base + "proxy_port 9050\n", "a"),
        .pretend("proxy_port empty back to default", base + "proxy_host p\nproxy_port 9\nproxy_port\n", "a"),
        .pretend("socket is not tilde-expanded", base + "socket ~/pop.sock\n", "a"),
        .pretend("socket without host, %H is the socket", "account a\nsocket /run/pop.sock\ndelivery mda cat\nuidls_file ~/%U/%H\n", "a"),
        .pretend("timeout off", base + "timeout off\n", "a"),
        .pretend("timeout 1 second", base + "timeout 1\n", "a"),
        .pretend("timeout hex", base + "timeout 0x10\n", "a"),
        .pretend("pipelining empty is on", base + "pipelining\n", "a"),
        .pretend("pipelining off", base + "pipelining off\n", "a"),
        .pretend("pipelining auto", base + "pipelining on\npipelining auto\n", "a"),
        .pretend("received_header off", base + "received_header off\n", "a"),
        .pretend("received_header empty is on", base + "received_header off\nreceived_header\n", "a"),
        .pretend("auth user", base + "auth user\n", "a"),
        .pretend("auth apop", base + "auth apop\n", "a"),
        .pretend("auth plain", base + "auth plain\n", "a"),
        .pretend("auth cram-md5", base + "auth cram-md5\n", "a"),
        .pretend("auth digest-md5", base + "auth digest-md5\n", "a"),
        .pretend("auth scram-sha-1", base + "auth scram-sha-1\n", "a"),
        .pretend("auth scram-sha-256", base + "auth scram-sha-256\n", "a"),
        .pretend("auth gssapi", base + "auth gssapi\n", "a"),
        .pretend("auth external", base + "auth external\n", "a"),
        .pretend("auth login", base + "auth login\n", "a"),
        .pretend("auth ntlm", base + "auth ntlm\nntlmdomain CORP\n", "a"),
        .pretend("auth oauthbearer", base + "auth oauthbearer\n", "a"),
        .pretend("auth xoauth2", base + "auth xoauth2\n", "a"),
        .pretend("auth on chooses", base + "auth plain\nauth on\n", "a"),
        .pretend("auth empty chooses", base + "auth plain\nauth\n", "a"),
        .pretend("user and password", base + "user bob\npassword s3cret\n", "a"),
        .pretend("empty password line unsets", base + "password x\npassword\n", "a"),
        .pretend("passwordeval runs under -P", base + "passwordeval echo secret\n", "a"),
        .pretend("passwordeval stderr passes through", base + "passwordeval echo warning >&2; echo pw\n", "a"),
        .pretend("passwordeval empty line is a password", base + "passwordeval echo\n", "a"),
        .pretend("password wins over passwordeval", base + "password x\npasswordeval false\n", "a"),
        .pretend("tls with system trust", base + "tls\n", "a"),
        .pretend("tls on connect port 995", base + "tls on\ntls_starttls off\n", "a"),
        .pretend("tls on connect with explicit port", base + "tls on\ntls_starttls off\nport 1995\n", "a"),
        .pretend("tls_starttls empty is on", base + "tls_starttls off\ntls_starttls\n", "a"),
        .pretend("tls_trust_file tilde", base + "tls on\ntls_trust_file ~/ca.pem\ntls_crl_file ~/crl.pem\n", "a"),
        .pretend("tls_fingerprint sha256 lowercase", base + "tls\ntls_trust_file\ntls_fingerprint \(fingerprint256)\n", "a"),
        .pretend("tls_fingerprint sha1 with spaces", base + "tls_fingerprint \(fingerprint1)\n", "a"),
        .pretend("tls_fingerprint md5", base + "tls_fingerprint \(fingerprintMD5)\n", "a"),
        .pretend("tls_fingerprint empty unsets", base + "tls_fingerprint \(fingerprintMD5)\ntls_fingerprint\n", "a"),
        .pretend("tls key and cert", base + "tls_key_file ~/key.pem\ntls_cert_file /etc/cert.pem\n", "a"),
        .pretend("tls_certcheck off without trust file", base + "tls\ntls_trust_file\ntls_certcheck off\n", "a"),
        .pretend("tls_min_dh_prime_bits", base + "tls_min_dh_prime_bits 2048\n", "a"),
        .pretend("tls_min_dh_prime_bits empty unsets", base + "tls_min_dh_prime_bits 2048\ntls_min_dh_prime_bits\n", "a"),
        .pretend("tls_priorities", base + "tls_priorities NORMAL:-VERS-TLS1.0\n", "a"),
        .pretend("tls_host_override", base + "tls on\ntls_host_override mail.example.invalid\n", "a"),
        .pretend("tls without host but with socket and override", "account a\nsocket /s\ntls\ntls_host_override x\ndelivery mda cat\n", "a"),
        .pretend("tls_force_sslv3 ignored", base + "tls_force_sslv3 on\ntls_force_sslv3\n", "a"),
        .pretend("delivery maildir tilde", "account a\nhost 127.0.0.1\ndelivery maildir ~/Maildir\n", "a"),
        .pretend("delivery mbox quoted with spaces", "account a\nhost 127.0.0.1\ndelivery mbox   \"~/my mail\"  \n", "a"),
        .pretend("delivery exchange", "account a\nhost 127.0.0.1\ndelivery exchange ~/pickup\n", "a"),
        .pretend("delivery mda keeps tilde", "account a\nhost 127.0.0.1\ndelivery mda ~/bin/deliver -f %F\n", "a"),
        .pretend("delivery with tabs", "account a\nhost 127.0.0.1\ndelivery\tmbox\t~/m\n", "a"),
        .pretend("delivery mbox empty quoted", "account a\nhost 127.0.0.1\ndelivery mbox \"\"\n", "a"),
        .pretend("uidls_file %U %H", base + "user u\nuidls_file ~/uidls/%U@%H-%U\n", "a"),
        .pretend("uidls_file without user", base + "uidls_file ~/u/%U_%H\n", "a"),
        .pretend("uidls_file tilde only at start", base + "uidls_file ~x/~/y\n", "a"),
        .pretend("only_new off", base + "only_new off\n", "a"),
        .pretend("only_new empty is on", base + "only_new off\nonly_new\n", "a"),
        .pretend("keep empty is on", base + "keep\n", "a"),
        .pretend("keep off", base + "keep on\nkeep off\n", "a"),
        .pretend("killsize and skipsize", base + "killsize 10k\nskipsize 2m\n", "a"),
        .pretend("killsize hex and zero", base + "killsize 0x1F\nskipsize 0\n", "a"),
        .pretend("killsize off", base + "killsize 5\nkillsize off\nskipsize 7\nskipsize off\n", "a"),
        .pretend("killsize largest", base + "killsize 9223372036854775807\nskipsize 9007199254740991k\n", "a"),
        .pretend("filter", base + "filter ~/bin/spamcheck %F\n", "a"),
        .pretend("filter empty unsets", base + "filter x\nfilter\n", "a"),
        .pretend("ntlmdomain", base + "ntlmdomain \"WORK GROUP\"\n", "a"),
        .pretend("port octal and sign", base + "port +010\n", "a"),
        .pretend("port with leading blank inside quotes", base + "port \" 995\"\n", "a"),

        .pretend("defaults copied when the account line is read", """
            defaults
            user first
            account a
            host 127.0.0.1
            delivery mda cat
            defaults
            user second
            timeout 9
            account b
            host 127.0.0.2
            delivery mda cat

            """, "a", "b"),
        .pretend("inheritance from two accounts in order", """
            defaults
            user d
            delivery mbox ~/mb
            account a
            host 127.0.0.1
            port 5
            account b
            host 127.0.0.2
            keep
            defaults
            timeout 9
            account c : a, b
            filter f

            """, "c"),
        .pretend("inheritance copies only explicit settings", """
            defaults
            user d
            account a
            host 127.0.0.1
            delivery mda cat
            defaults
            user e
            account c : a

            """, "c"),
        .pretend("inherited empty trust file stays unset", """
            account a
            host 127.0.0.1
            delivery mda cat
            tls_trust_file
            account b : a

            """, "b"),
        .pretend("empty trust file in defaults becomes system", "defaults\ntls_trust_file\n" + base, "a"),
        .pretend("inherited unset user", "defaults\nuser d\naccount a\nhost 127.0.0.1\ndelivery mda cat\nuser\naccount c : a\n", "c"),
        .pretend("account names with spaces", "account my mail\nhost 127.0.0.1\ndelivery mda cat\n", "my mail"),
        .pretend("quoted account name keeps inner blanks", "account \" x \"\nhost 127.0.0.1\ndelivery mda cat\n", " x "),
        .pretend("quoted argument with spaces", base + "user \"john smith\"\n", "a"),
        .pretend("quote only at start is kept", base + "user \"x\n", "a"),
        .pretend("inner quotes are kept", base + "user \"x\" \"y\"\n", "a"),
        .pretend("comments and blank lines", "# comment\n\n   \t\n" + base + "   # indented comment\n\tuser   u  \t\n", "a"),
        .pretend("CRLF line endings", "account a\r\nhost 127.0.0.1\r\ndelivery mda cat\r\nuser u\r\n", "a"),
        .pretend("no final newline", base + "user last", "a"),
        .pretend("499 character line", base + "user " + String(repeating: "x", count: 494) + "\n", "a"),
        .pretend("CR inside a line is kept", base + "user u\rv\n", "a"),
        .pretend("NUL ends a line", base + "user x\u{0}y\nport 5\n", "a"),
        .pretend("eval replaces the line", "account a\neval echo host 127.0.0.1\ndelivery mda cat\n", "a"),
        .pretend("eval before the first account", "eval echo account a\nhost 127.0.0.1\ndelivery mda cat\n", "a"),
        .pretend("eval with empty output line is ignored", base + "eval echo\n", "a"),
        .pretend("eval output comment", base + "eval echo '  # c'\n", "a"),
        .pretend("eval takes the first line only", base + "eval printf 'user x\\r\\nuser y\\n'\n", "a"),
        .pretend("eval output without newline keeps CR", base + "eval printf 'user x\\r'\n", "a"),
        .pretend("eval quoted argument", base + "eval   \"echo user q\"  \n", "a"),
        .pretend("eval exit status ignored", base + "eval echo user z; exit 3\n", "a"),
        .pretend("eval password does not need safe permissions", base + "eval echo password x\n", "a").with(mode: 0o644),
        .pretend("long eval output", base + "eval printf 'user %0600d\\n' 0\n", "a"),

        .pretend("default account", "account default\nhost 127.0.0.1\ndelivery mda cat\n"),
        .pretend("all accounts in file order", base + "account b\nhost 127.0.0.2\ndelivery mda cat\n", "-a"),
        .pretend("accounts in the given order, repeated", base + "account b\nhost 127.0.0.2\ndelivery mda cat\n", "b", "a", "b"),
        .pretend("options after account names", base, "a", "--keep", "--port=7"),
        .pretend("double dash", base, "--", "a"),
        ConfigCase("-d with -P prints once", base, ["-d", "-P", "-C", "rc", "a"]),
        ConfigCase("long options by unambiguous prefix", base, ["--fi=rc", "--pre", "--ke=off", "a"]),
        ConfigCase("XDG configuration file", nil, ["-P", "-S"], files: [".config/mpop/config": "account default\nhost 127.0.0.1\n"]),
        ConfigCase("XDG_CONFIG_HOME", nil, ["-P", "-S"], files: ["x/mpop/config": "account default\nhost 127.0.0.1\n"],
                   environment: ["XDG_CONFIG_HOME": "x"]),
        ConfigCase(".mpoprc wins over XDG", nil, ["-P", "-S"],
                   files: [".mpoprc": "account default\nhost 127.0.0.1\n", ".config/mpop/config": "account default\nhost 127.0.0.9\n"]),
        .pretend("0400 file with password", base + "password x\n", "a").with(mode: 0o400),
        .pretend("0644 file without password", base + "user u\n", "a").with(mode: 0o644),
        .pretend("commented password needs no safe permissions", base + "# password x\n", "a").with(mode: 0o644),
        ConfigCase("combined short options", base, ["-PSCrc", "a"]),
        ConfigCase("combined short options with optional argument", base, ["-Pkoff", "-Crc", "a"]),

        .pretend("--keep alone is on", base, "--keep", "a"),
        .pretend("--keep then an account", base, "a", "--keep"),
        .pretend("-koff", base + "keep on\n", "-koff", "a"),
        .pretend("-k then account", base, "-k", "a"),
        .pretend("--only-new=off and -non", base, "--only-new=off", "-non", "a"),
        .pretend("-n alone", base + "only_new off\n", "-n", "a"),
        .pretend("--port", base, "--port=1110", "a"),
        .pretend("--timeout", base, "--timeout=off", "a"),
        .pretend("--pipelining", base, "--pipelining=off", "a"),
        .pretend("--received-header", base, "--received-header=off", "a"),
        .pretend("--auth=plain", base, "--auth=plain", "a"),
        .pretend("--auth alone", base + "auth user\n", "--auth", "a"),
        .pretend("--auth= empty chooses", base + "auth user\n", "--auth=", "a"),
        .pretend("--user and empty --user", base + "user u\n", "--user=", "a"),
        .pretend("--passwordeval", base, "--passwordeval=echo pw", "a"),
        .pretend("--passwordeval empty unsets", base + "passwordeval echo x\n", "--passwordeval=", "a"),
        .pretend("--source-ip and --proxy", base, "--source-ip=127.0.0.5", "--proxy-host=127.0.0.6", "--proxy-port=1081", "a"),
        .pretend("--proxy-host empty", base + "proxy_host p\n", "--proxy-host=", "--proxy-port=", "a"),
        .pretend("--socket", base, "--socket=~/s", "a"),
        .pretend("--tls options", base, "--tls", "--tls-starttls=off", "--tls-trust-file=~/ca", "--tls-crl-file=~/crl", "a"),
        .pretend("--tls-trust-file empty", base, "--tls=on", "--tls-trust-file=", "--tls-certcheck=off", "a"),
        .pretend("--tls-fingerprint", base, "--tls-fingerprint=\(fingerprintMD5)", "a"),
        .pretend("--tls-key-file and --tls-cert-file", base, "--tls-key-file=~/k", "--tls-cert-file=~/c", "a"),
        .pretend("--tls-min-dh-prime-bits and --tls-priorities", base, "--tls-min-dh-prime-bits=1024", "--tls-priorities=NORMAL", "a"),
        .pretend("--tls-host-override", base, "--tls-host-override=x.invalid", "a"),
        .pretend("--tls-force-sslv3 ignored", base, "--tls-force-sslv3=whatever", "a"),
        .pretend("--killsize --skipsize", base, "--killsize=1k", "--skipsize=off", "a"),
        .pretend("--filter", base, "--filter=~/f", "a"),
        .pretend("--delivery mda keeps tilde", base, "--delivery=mda,~/deliver", "a"),
        .pretend("--delivery maildir", base, "--delivery=maildir,~/Maildir", "a"),
        .pretend("--delivery mbox", base, "--delivery=mbox,~/mbox", "a"),
        .pretend("--delivery exchange", base, "--delivery=exchange,~/x", "a"),
        .pretend("--uidls-file", base, "--uidls-file=~/%H/%U", "--user=me", "a"),
        .pretend("--uidls-file empty", base, "--uidls-file=", "a"),
        .pretend("overrides apply to every account", base + "account b\nhost 127.0.0.2\ndelivery mda cat\n", "-a", "--user=all", "--timeout=5"),
        .pretend("options mixed with names", base, "--port=5", "a", "--user=x"),
        .command("--host mode", "-P", "--host=127.0.0.1", "--delivery=mda,cat"),
        .command("--host mode server information", "-P", "-S", "--host=localhost", "--timeout=off"),
        .command("--host mode tls on connect", "-P", "--host=127.0.0.1", "--tls", "--tls-starttls=off", "--delivery=mbox,~/m"),
        .command("--host mode proxy", "-P", "-S", "--host=127.0.0.1", "--proxy-host=localhost", "--timeout=1"),
        .command("--host empty", "-P", "-S", "--host="),
        .command("mode flags", "-P", "-S", "-q", "-Q", "-s", "-A", "--host=127.0.0.1"),
    ]

    static let broken: [ConfigCase] = [
        ConfigCase("missing -C file", nil, ["-C", "nonexistent", "-P"]),
        ConfigCase("missing default file", nil, ["-P"]),
        ConfigCase("missing file with XDG_CONFIG_HOME", nil, ["-P"], environment: ["XDG_CONFIG_HOME": "/nonexistent"]),
        ConfigCase("configuration file is a directory", nil, ["-C", ".", "-P"]),
        .pretend("password in a 0644 file", base + "password x\n", "a").with(mode: 0o644),
        .pretend("password in a 0700 file", base + "password x\n", "a").with(mode: 0o700),
        .pretend("password in a 0604 file", base + "password x\n", "a").with(mode: 0o604),
        .pretend("empty password line in a 0640 file", base + "password\n", "a").with(mode: 0o640),
        ConfigCase("password in a file owned by someone else", base + "password x\n", ["-C", "rc", "-P", "a"], foreignOwner: true),
        .pretend("syntax errors come before the permission check", base + "password x\nbogus\n", "a").with(mode: 0o644),
        .pretend("first command must be account", "host 127.0.0.1\n", "a"),
        .pretend("first command after comments", "# c\n\n  host 127.0.0.1\n", "a"),
        .pretend("tls_force_sslv3 is not first", "tls_force_sslv3\n", "a"),
        .pretend("defaults with an argument", "defaults x\n", "a"),
        .pretend("account without a name", "account\n", "a"),
        .pretend("account with only a parent list", "account  :  a\n", "a"),
        .pretend("account with empty parent list", "account a\naccount b:\n", "a"),
        .pretend("account with empty parent in list", "account a\naccount b:a,,a\n", "a"),
        .pretend("account name with comma", "account a,b\n", "a"),
        .pretend("account name with colon after quotes", "account a\naccount \"x:y\" : a\n", "a"),
        .pretend("parent not yet defined", "account b : a\naccount a\n", "a"),
        .pretend("account defined twice", "account a\nhost 127.0.0.1\naccount a\n", "a"),
        .pretend("account defined twice with parents", "account x\naccount a\naccount a : x\n", "a"),
        .pretend("unknown command", base + "foo bar\n", "a"),
        .pretend("commands are case-sensitive", base + "Host x\n", "a"),
        .pretend("mda is not a 1.4.18 command", base + "mda cat\n", "a"),
        .pretend("vertical tab is not a blank", base + "user\u{0B}u\n", "a"),
        .pretend("host needs an argument", "account a\nhost\n", "a"),
        .pretend("host empty quotes", "account a\nhost \"\"\n", "a"),
        .pretend("port needs an argument", base + "port\n", "a"),
        .pretend("port 0", base + "port 0\n", "a"),
        .pretend("port 65536", base + "port 65536\n", "a"),
        .pretend("port trailing garbage", base + "port 5x\n", "a"),
        .pretend("port negative", base + "port -1\n", "a"),
        .pretend("port overflow", base + "port 99999999999999999999\n", "a"),
        .pretend("proxy_port 0", base + "proxy_port 0\n", "a"),
        .pretend("timeout needs an argument", base + "timeout\n", "a"),
        .pretend("timeout 0", base + "timeout 0\n", "a"),
        .pretend("timeout OFF is not off", base + "timeout OFF\n", "a"),
        .pretend("pipelining invalid", base + "pipelining yes\n", "a"),
        .pretend("received_header invalid", base + "received_header no\n", "a"),
        .pretend("auth off", base + "auth off\n", "a"),
        .pretend("auth uppercase", base + "auth PLAIN\n", "a"),
        .pretend("auth unknown method", base + "auth scram-sha-1-plus\n", "a"),
        .pretend("tls invalid", base + "tls yes\n", "a"),
        .pretend("tls_starttls invalid", base + "tls_starttls 1\n", "a"),
        .pretend("tls_certcheck invalid", base + "tls_certcheck On\n", "a"),
        .pretend("tls_fingerprint with dashes", base + "tls_fingerprint 00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff\n", "a"),
        .pretend("tls_fingerprint bad digit", base + "tls_fingerprint 0g:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\n", "a"),
        .pretend("tls_fingerprint wrong length", base + "tls_fingerprint 00:11\n", "a"),
        .pretend("tls_min_dh_prime_bits 0", base + "tls_min_dh_prime_bits 0\n", "a"),
        .pretend("only_new invalid", base + "only_new maybe\n", "a"),
        .pretend("keep invalid", base + "keep 30\n", "a"),
        .pretend("delivery needs an argument", "account a\nhost 127.0.0.1\ndelivery\n", "a"),
        .pretend("delivery method without argument", "account a\nhost 127.0.0.1\ndelivery mbox \n", "a"),
        .pretend("delivery unknown method", "account a\nhost 127.0.0.1\ndelivery pipe cat\n", "a"),
        .pretend("uidls_file needs an argument", base + "uidls_file\n", "a"),
        .pretend("killsize needs an argument", base + "killsize\n", "a"),
        .pretend("killsize invalid", base + "killsize 10kb\n", "a"),
        .pretend("skipsize negative", base + "skipsize -5\n", "a"),
        .pretend("skipsize overflow after suffix", base + "skipsize 9007199254740992k\n", "a"),
        .pretend("500 character line", base + "user " + String(repeating: "x", count: 495) + "\n", "a"),
        .pretend("500 characters without newline", base + "user " + String(repeating: "x", count: 495), "a"),
        .pretend("499 characters plus CRLF", base + "user " + String(repeating: "x", count: 494) + "\r\n", "a"),
        .pretend("eval needs an argument", base + "eval\n", "a"),
        .pretend("eval needs an argument on line 1", "eval\n", "a"),
        .pretend("eval without output", base + "eval true\n", "a"),
        .pretend("eval of eval", base + "eval echo eval echo user x\n", "a"),
        .pretend("eval output unknown command", base + "eval echo foo\n", "a"),
        .pretend("errors stop at the first line", base + "port 0\ntimeout 0\n", "a"),

        .pretend("host not set", "account a\ndelivery mda cat\n", "a"),
        .pretend("tls without host", "account a\ntls\ndelivery mda cat\n", "a"),
        .pretend("tls_host_override does not replace host", "account a\ntls\ntls_host_override h\ndelivery mda cat\n", "a"),
        .pretend("tls with socket needs an override", "account a\nsocket /s\ntls\ndelivery mda cat\n", "a"),
        .pretend("key without cert", base + "tls_key_file k\n", "a"),
        .pretend("cert without key", base + "tls_cert_file c\n", "a"),
        .pretend("tls without trust", base + "tls\ntls_trust_file\n", "a"),
        .pretend("crl without trust", base + "tls_trust_file\ntls_crl_file c\n", "a"),
        .pretend("no delivery information", "account a\nhost 127.0.0.1\n", "a"),
        .pretend("checks in order: host before key", "account a\ntls_key_file k\n", "a"),
        .pretend("checks per account in order", base + "account b\n", "b", "a"),
        .pretend("no account default", base),
        .pretend("no such account", base, "b"),
        .pretend("no such account after a valid one", base, "a", "b"),
        .pretend("-koff then off is an account name", base, "-k", "off", "a"),
        .pretend("no accounts defined", "defaults\nuser u\n", "-a"),
        .pretend("--host with accounts", base, "--host=127.0.0.1", "a"),
        .pretend("--host with -a", base, "--host=127.0.0.1", "-a"),
        .pretend("-a with accounts", base, "-a", "a"),
        .pretend("passwordeval without output", base + "passwordeval true\n", "a"),
        .pretend("passwordeval failure after stderr", base + "passwordeval echo oops >&2; exit 1\n", "a"),
        .pretend("passwordeval of the second account", base + "account b\nhost 127.0.0.1\ndelivery mda cat\npasswordeval true\n", "a", "b"),
        .pretend("check before the next passwordeval", base + "passwordeval true\naccount b\n", "b", "a"),
        .command("--host mode: no delivery", "-P", "--host=127.0.0.1"),
        .command("--host mode: tls without trust", "-P", "-S", "--host=127.0.0.1", "--tls", "--tls-trust-file="),
        .command("--host mode: passwordeval without output", "-P", "-S", "--host=127.0.0.1", "--passwordeval=exit 1"),
        ConfigCase("uidls directory blocked by a file", base + "uidls_file ~/blocker/sub/uidls\n", ["-C", "rc", "a"],
                   files: ["blocker": "x"]),

        .command("--port 0", "--port=0"),
        .command("--port garbage", "--port=x"),
        .command("--timeout 0", "--timeout=0"),
        .command("--pipelining without argument", "--pipelining"),
        .command("--pipelining empty", "--pipelining="),
        .command("--pipelining invalid", "--pipelining=yes"),
        .command("--received-header invalid", "--received-header=no"),
        .command("--auth uppercase", "--auth=PLAIN"),
        .command("--auth off", "--auth=off"),
        .command("--tls invalid", "--tls=yes"),
        .command("--tls-starttls invalid", "--tls-starttls=x"),
        .command("--tls-certcheck invalid", "--tls-certcheck=x"),
        .command("--tls-fingerprint invalid", "--tls-fingerprint=xx"),
        .command("--tls-min-dh-prime-bits 0", "--tls-min-dh-prime-bits=0"),
        .command("--proxy-port 0", "--proxy-port=0"),
        .command("--only-new invalid", "-nfoo"),
        .command("--keep invalid", "--keep=no"),
        .command("--killsize invalid", "--killsize=1x"),
        .command("--killsize empty", "--killsize="),
        .command("--skipsize negative", "--skipsize=-1"),
        .command("--delivery without method", "--delivery=mda"),
        .command("--delivery uppercase method", "--delivery=MBOX,x"),
        .command("first bad option wins", "--port=0", "--timeout=0"),
        .command("getopt message before a later bad value", "--bogus", "--port=x"),
        .command("unrecognized option", "--bogus"),
        .command("invalid short option", "-x"),
        .command("-C needs an argument", "-C"),
        .command("--file needs an argument", "--file"),
        .command("--help takes no argument", "--help=x"),
        .command("ambiguous --tls-c", "--tls-c"),
        // "--s" also names our --summary now (SummaryOptionTests).
        .command("ambiguous --so", "--so"),
        .command("ambiguous --p", "--p"),
        .command("ambiguous --t", "--t"),
        .command("ambiguous --h", "--h"),
        .command("prefix needing an argument", "--tls-t"),
        .command("control characters in a bad value are printed as they are", "--port=\u{01}"),
        .pretend("control characters in an account name are printed as they are", base, "a\u{01}"),
        .command("control characters in passwordeval are replaced", "-P", "-S", "--host=127.0.0.1", "--passwordeval=true\u{01}"),
    ]

    static var all: [ConfigCase] { valid + broken }
}

extension ConfigCase {
    func with(mode: Int) -> ConfigCase {
        var copy = self
        copy.mode = mode
        return copy
    }
}
