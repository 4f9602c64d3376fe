"""A throwaway dovecot POP3 server on 127.0.0.1, for the demo and the benchmarks.

Everything lives in one directory: a certificate authority made on the spot
(certtool), dovecot's configuration, its runtime files, and the users'
maildirs. The system's dovecot setup is never touched.

As a module: `Dovecot(directory).start()`, `.add_user(name, password)`,
`.put_messages(user, sizes)`, `.stop()`.
As a command: `throwaway_dovecot.py DIR USER PASSWORD COUNT SIZE` starts it
with COUNT messages of SIZE bytes, prints `PORT TLSPORT CAFILE`, and runs
until it gets SIGTERM.
"""
import os
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certtool(*args):
    subprocess.run(["certtool", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sample_message(index, size):
    head = (f"Return-Path: <sender{index}@example.org>\n"
            f"From: Sender {index} <sender{index}@example.org>\n"
            "To: alice@example.net\n"
            f"Subject: sample message {index}\n"
            f"Message-ID: <sample-{index}@example.org>\n\n")
    lines = [head]
    length = len(head)
    n = 0
    while length < size:
        n += 1
        line = f"line {n} of message {index}: the quick brown fox jumps over the lazy dog\n"
        lines.append(line)
        length += len(line)
    return "".join(lines).encode()


class Dovecot:
    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.process = None
        self.port = free_port()
        self.tls_port = free_port()
        if os.geteuid() == 0:
            self.uid, self.gid, self.users = 65534, 65534, ""
        else:
            import pwd
            name = pwd.getpwuid(os.getuid()).pw_name
            self.uid, self.gid = os.getuid(), os.getgid()
            self.users = f"default_login_user = {name}\ndefault_internal_user = {name}\n"
        self.passwd = os.path.join(self.dir, "passwd")
        self.ca = os.path.join(self.dir, "ca.pem")

    def _certificates(self):
        d = self.dir
        certtool("--generate-privkey", "--key-type=ecdsa", "--outfile", f"{d}/ca.key")
        with open(f"{d}/ca.tmpl", "w") as f:
            f.write('cn = "mpop throwaway CA"\nca\ncert_signing_key\nexpiration_days = 2\n')
        certtool("--generate-self-signed", "--load-privkey", f"{d}/ca.key", "--template", f"{d}/ca.tmpl",
                 "--outfile", self.ca)
        certtool("--generate-privkey", "--key-type=ecdsa", "--outfile", f"{d}/server.key")
        with open(f"{d}/server.tmpl", "w") as f:
            f.write('cn = "localhost"\ndns_name = "localhost"\nip_address = "127.0.0.1"\n'
                    'tls_www_server\nsigning_key\nencryption_key\nexpiration_days = 2\n')
        certtool("--generate-certificate", "--load-privkey", f"{d}/server.key", "--load-ca-certificate", self.ca,
                 "--load-ca-privkey", f"{d}/ca.key", "--template", f"{d}/server.tmpl", "--outfile", f"{d}/server.pem")
        os.chmod(f"{d}/server.key", 0o644)

    def start(self):
        self._certificates()
        open(self.passwd, "a").close()
        os.chmod(self.passwd, 0o644)
        d = self.dir
        conf = f"""base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
{self.users}protocols = pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 digest-md5 scram-sha-1 scram-sha-256 apop
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.passwd}
}}
userdb {{
  driver = passwd-file
  args = {self.passwd}
}}
mail_location = maildir:~
pop3_uidl_format = %08Xu%08Xv
# Dovecot's default, pinned: the benchmark reads each session's RETR count
# and bytes, deletions and mailbox size from this logout line.
pop3_logout_format = top=%t/%p, retr=%r/%b, del=%d/%m, size=%s
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
"""
        with open(f"{d}/dovecot.conf", "w") as f:
            f.write(conf)
        self.process = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", f"{d}/dovecot.conf"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start; see " + f"{d}/dovecot.log")

    def add_user(self, name, password):
        home = os.path.join(self.dir, "mail", name)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(home, sub), exist_ok=True)
        for path in (os.path.join(self.dir, "mail"), home, *(os.path.join(home, s) for s in ("cur", "new", "tmp"))):
            os.chown(path, self.uid, self.gid)
        os.chmod(os.path.join(self.dir, "mail"), 0o755)
        with open(self.passwd, "a") as f:
            f.write(f"{name}:{{PLAIN}}{password}:{self.uid}:{self.gid}::{home}::\n")
        return home

    def put_messages(self, user, sizes):
        new = os.path.join(self.dir, "mail", user, "new")
        for i, size in enumerate(sizes, 1):
            path = os.path.join(new, f"{1700000000 + i}.M{i:06d}P1.bench")
            with open(path, "wb") as f:
                f.write(sample_message(i, size))
            os.chown(path, self.uid, self.gid)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


if __name__ == "__main__":
    directory, user, password, count, size = sys.argv[1:6]
    server = Dovecot(directory).start()
    server.add_user(user, password)
    server.put_messages(user, [int(size)] * int(count))
    print(server.port, server.tls_port, server.ca, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: server.process.terminate())
    server.process.wait()
