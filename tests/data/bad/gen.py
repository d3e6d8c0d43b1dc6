#!/usr/bin/env python3
# Generates the bad-input corpus tests/data/bad/*.ks and its include files in
# inc/: malformed kickstarts that must each fail with a FILE:LINE: message.
# Deterministic; `gen.py --huge DIR` writes the 1 MiB-line cases at test time.
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SOURCES = [  # the realistic kickstarts the truncations and insertions start from
    "docs/examples/fedora-server-minimal.ks",
    "docs/examples/luks-static.ks",
    "tests/data/ks/all-commands.ks",
]
MINIMAL = b"text\nlang en_US.UTF-8\nkeyboard us\ntimezone UTC --utc\nrootpw --lock\nautopart --type=plain\n"
DEPTH_LIMIT = 16  # KS_MAX_INCLUDE_DEPTH in kickstart/ks-parser.c
DEEP_CHAIN = 40


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        # Keep real mirror and pool host names out of the corpus.
        text = re.sub(rb"://[^/\s\"']+", b"://mirror.example.org", f.read())
        return re.sub(rb"--ntp-pool=[^\s]+", b"--ntp-pool=pool.example.org", text)


def open_section_at(text, off):
    """True when text[:off] leaves a section open: it cannot end with %end."""
    open_ = False
    for line in text[:off].split(b"\n"):
        words = line.split()
        if not words:
            continue
        if open_ and words[0] == b"%end":
            open_ = False
        elif not open_ and words[0].startswith(b"%") and words[0] not in (b"%include", b"%ksappend"):
            open_ = True  # a section, or a cut one ("%pa"): an unknown section
    return open_


def quote_state(line):
    """Mirrors ks_split(): 'q' when the line ends in a quote or after a
    backslash (an error), '' otherwise (also after a # comment)."""
    st, prev = "space", ""
    for c in line.decode("latin-1"):
        if st in ("space", "word"):
            if c == "#":
                return ""
            if c in "'\"":
                st = "s" if c == "'" else "d"
            elif c == "\\":
                prev, st = "word", "esc"
            else:
                st = "space" if c.isspace() else "word"
        elif st in ("s", "d"):
            if c == ("'" if st == "s" else '"'):
                st = "word"
            elif st == "d" and c == "\\":
                prev, st = "d", "esc"
        else:
            st = prev
    return "q" if st in ("s", "d", "esc") else ""


def truncations(cases):
    """Each source cut at evenly spread offsets where the cut is an error:
    inside a section that then lacks %end, or inside a quote."""
    for rel in SOURCES:
        text = read(rel)
        stem = os.path.splitext(os.path.basename(rel))[0]
        in_section = [o for o in range(1, len(text)) if open_section_at(text, o)]
        in_quote = []
        for o in range(1, len(text)):
            start = text.rfind(b"\n", 0, o) + 1
            if not open_section_at(text, start) and quote_state(text[start:o]):
                in_quote.append(o)
        for offs, what in ((in_section, "section"), (in_quote, "quote")):
            n = 24 if what == "section" else 10
            picked = sorted({offs[i * len(offs) // n] for i in range(n)}) if offs else []
            for o in picked:
                cases[f"trunc-{what}-{stem}-{o:05d}"] = text[:o]


def garbage(cases):
    rng = random.Random(12)
    for i in range(30):
        n = rng.choice([16, 64, 300, 1000, 4096])
        data = bytes(rng.randrange(256) for _ in range(n))
        # A word that is no command first, so the file cannot be all blank.
        cases[f"garbage-bytes-{i:02d}"] = b"\x7fELF" + data if i % 3 == 0 else b"zz" + data
    alphabet = "abcdefghijklmnopqrstuvwxyz-=/%@'\" \t#\\"
    for i in range(12):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60))) for _ in range(20)]
        cases[f"garbage-text-{i:02d}"] = ("q" + "\n".join(lines) + "\n").encode()


def nul_bytes(cases):
    text = read(SOURCES[0])
    lines = text.split(b"\n")
    for i, at in enumerate([0, 3, 10, 17, 25, 35, 40, len(lines) - 3]):
        lines2 = list(lines)
        line = lines2[at]
        lines2[at] = line[: len(line) // 2] + b"\0" + line[len(line) // 2:]
        cases[f"nul-line-{i:02d}"] = b"\n".join(lines2)
    cases["nul-only"] = b"\0"
    cases["nul-many"] = b"\0" * 4096
    cases["nul-after-newline"] = MINIMAL + b"\0"
    cases["nul-in-post"] = MINIMAL + b"%post\necho a\0b\n%end\n"
    cases["nul-in-packages"] = MINIMAL + b"%packages\nvim\0\n%end\n"
    cases["nul-in-quote"] = MINIMAL + b'user --name=a --gecos="x\0y"\n'


def bad_utf8(cases):
    """Invalid UTF-8 where a name is expected. (Invalid UTF-8 in free text,
    such as a %post body or --gecos, is accepted: tests/data/ks/invalid-utf8.ks.)"""
    seqs = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80",
            b"\x80\x80", b"\xfe\xfe"]
    places = [
        b"tim\x00ezone UTC\n",  # the command name
        b"timezone UTC --ut\x00c\n",  # an option name
        b"timezone Europe/\x00Berlin\n",
        b"lang en_US\x00.UTF-8\n",
        b"user --name=al\x00ice\n",
        b"%po\x00st\necho hi\n%end\n",
        b"part /\x00 --size=100\n",
        b"selinux --\x00enforcing\n",
    ]
    for i, seq in enumerate(seqs):
        for j, place in enumerate(places):
            if (i + j) % 2:
                continue
            cases[f"utf8-{i}-{j}"] = MINIMAL.replace(b"timezone UTC --utc\n", b"") + place.replace(b"\x00", seq)


def long_lines(cases):
    k64 = 64 * 1024
    cases["long-unknown-command"] = MINIMAL + b"x" * k64 + b"\n"
    cases["long-unterminated-quote"] = MINIMAL + b'network --hostname="' + b"h" * k64 + b"\n"
    cases["long-size-number"] = MINIMAL.replace(b"autopart --type=plain\n", b"") + b"part / --size=" + b"9" * k64 + b"\n"
    cases["long-many-errors"] = MINIMAL + b"bogus-command\n" * 2000


def quotes(cases):
    for i, line in enumerate([
        b"rootpw --plaintext 'secret\n",
        b'rootpw --plaintext "secret\n',
        b"network --hostname=a\\\n",
        b'user --name=bob --gecos="Bob\n',
        b"part / --fstype='xfs --size=100\n",
        b"bootloader --append=\"console=ttyS0\n",
        b'keyboard --xlayouts="us\n',
        b"lang 'en_US\n",
        b'timezone "UTC\n',
        b"sshkey --username=root \"ssh-ed25519 AAAA\n",
        b'"\n',
        b"'\n",
        b"\\\n",
        b'%packages --inst-langs="en\n@core\n%end\n',
        b"%post --log='/root/x\necho\n%end\n",
    ]):
        cases[f"quote-{i:02d}"] = MINIMAL + line


def sections(cases):
    for name in (b"%packages", b"%pre", b"%pre-install", b"%post", b"%onerror", b"%traceback",
                 b"%addon org_slipway", b"%addon com_example", b"%anaconda"):
        stem = name.split()[-1].lstrip(b"%").decode()
        cases[f"section-no-end-{stem}"] = MINIMAL + name + b"\nbody line\n"
        cases[f"section-no-end-{stem}-then-command"] = MINIMAL + name + b"\nbody\n%post\necho x\n%end\n"
    extra = [
        b"%end\n",
        b"%foo\n%end\n",
        b"%\n",
        b"%post --bogus\necho\n%end\n",
        b"%packages --bogus\n@core\n%end\n",
        b"%packages --timeout=-1\n%end\n",
        b"%packages --retries=many\n%end\n",
        b"%addon\n%end\n",
        b"%addon org_slipway\nfinish sometime\n%end\n",
        b"%certificate --filename=x.pem\n-----BEGIN\n%end\n",
        b"%post\n%packages\n@core\n%end\n",
        b"%pre --interpreter\necho\n%end\n",
        b"%post --log\necho\n%end\n",
        b"%packages\n@core\n%end\n%end\n",
    ]
    for i, text in enumerate(extra):
        cases[f"section-bad-{i:02d}"] = MINIMAL + text


def ranges(cases):
    base = MINIMAL.replace(b"autopart --type=plain\n", b"")
    bad = [
        b"part / --size=0", b"part / --size=-1", b"part / --size=ten", b"part / --size=99999999999999999999999",
        b"part / --size=1.5", b"part / --size=", b"part / --size=100 --maxsize=-5", b"part / --size=0x10",
        b"part / --fstype=xfs --size=100 --pbkdf-memory=-1 --encrypted --passphrase=abcdefgh",
        b"part / --size=100 --pbkdf-time=abc --encrypted --passphrase=abcdefgh",
        b"part / --size=100 --pbkdf-iterations=-3 --encrypted --passphrase=abcdefgh",
        b"part --size=100", b"part / --size=100\npart / --size=200", b"part / --bogus",
        b"user --name=a --uid=-5", b"user --name=a --uid=abc", b"user --name=a --gid=99999999999999999999",
        b"user --name=", b"user --password=x", b"user --name='a b'", b"user --name=-a",
        b"group --name=g --gid=-1", b"group --gid=10",
        b"bootloader --timeout=-1", b"bootloader --timeout=soon", b"bootloader --location=moon",
        b"repo --name=r --baseurl=http://x --cost=cheap", b"repo --baseurl=http://x",
        b"autopart --type=bogus", b"autopart --type=plain\npart / --size=100",
        b"selinux --bogus", b"firstboot --sometimes", b"network --onboot=maybe", b"network --bootproto=carrier-pigeon",
        b"network --activate=yes", b"rootpw", b"rootpw --iscrypted", b"firewall --port=99999", b"firewall --port=abc", b"network --mtu=-1",
        b"network --mtu=70000", b"timezone",
        b"lang", b"keyboard", b"clearpart --frobnicate", b"ignoredisk --only-use=sda --drives=sdb",
        b"reqpart --add-boot --bogus", b"eula", b"sshkey --username=root", b"services --enabled",
        b"logvol / --vgname=vg --size=100 --name=root", b"raid / --level=1 raid.01 raid.02", b"volgroup vg pv.01",
        b"install", b"upgrade", b"interactive", b"autostep", b"method", b"deviceprobe", b"langsupport",
        b"mouse", b"xconfig --startxonboot --bogus", b"nonexistent-command", b"zerombr now",
        b"skipx --really", b"text --bogus",
    ]
    for i, line in enumerate(bad):
        cases[f"value-{i:02d}"] = base + line + b"\n"


def misc(cases):
    cases["conflict-autopart-reqpart"] = MINIMAL + b"reqpart\n"
    cases["sources-two"] = MINIMAL + b"url --url=http://a/\ncdrom\n"
    cases["cr-only-line-ends"] = MINIMAL.replace(b"\n", b"\r") + b"bogus\r"
    cases["line-continuation"] = MINIMAL + b"part / \\\n  --size=100\n"
    cases["tab-garbage"] = MINIMAL + b"\t\t\x01\x02\x03\n"
    cases["form-feed-command"] = MINIMAL + b"\fbogus\n"
    cases["bom-then-command"] = b"\xef\xbb\xbf" + MINIMAL


def includes(cases, inc):
    """Helper files go to inc/ (they are not cases themselves)."""
    for i in range(1, DEEP_CHAIN + 1):
        nxt = f"%include deep-{i + 1:02d}.inc\n" if i < DEEP_CHAIN else "text\n"
        inc[f"deep-{i:02d}.inc"] = f"# level {i}\n{nxt}".encode()
    for n in (DEPTH_LIMIT + 1, DEPTH_LIMIT + 2, 20, 25, 32, DEEP_CHAIN):
        first = DEEP_CHAIN + 1 - n
        cases[f"include-deep-{n:02d}"] = MINIMAL + f"%include inc/deep-{first:02d}.inc\n".encode()
    cases["include-deep-ksappend"] = MINIMAL + f"%ksappend inc/deep-{DEEP_CHAIN + 1 - 20:02d}.inc\n".encode()
    # Loops through realpath: the same file by other names.
    inc["loop-a.inc"] = b"%include loop-b.inc\n"
    inc["loop-b.inc"] = b"%include ./loop-a.inc\n"
    inc["loop-c1.inc"] = b"%include loop-c2.inc\n"
    inc["loop-c2.inc"] = b"%include loop-c3.inc\n"
    inc["loop-c3.inc"] = b"%include ../inc/loop-c1.inc\n"
    inc["loop-main.inc"] = b"%include ../include-loop-to-main.ks\n"
    inc["loop-in-section.inc"] = b"vim\n%include loop-in-section.inc\n"
    cases["include-loop-self"] = MINIMAL + b"%include include-loop-self.ks\n"
    cases["include-loop-self-dot"] = MINIMAL + b"%include ./././include-loop-self-dot.ks\n"
    cases["include-loop-ab"] = MINIMAL + b"%include inc/loop-a.inc\n"
    cases["include-loop-abc"] = MINIMAL + b"%include inc/loop-c1.inc\n"
    cases["include-loop-to-main"] = MINIMAL + b"%include inc/loop-main.inc\n"
    cases["include-loop-in-packages"] = MINIMAL + b"%packages\n%include inc/loop-in-section.inc\n%end\n"
    cases["include-loop-ksappend"] = MINIMAL + b"%ksappend include-loop-ksappend.ks\n"
    # An include bomb within the depth limit: each level includes the next
    # four times (4^15 files to read without the cap on included files).
    for i in range(DEPTH_LIMIT):
        last = i == DEPTH_LIMIT - 1
        inc[f"bomb-{i:02d}.inc"] = b"skipx\n" if last else (f"%include bomb-{i + 1:02d}.inc\n" * 4).encode()
    cases["include-bomb"] = MINIMAL + b"%include inc/bomb-00.inc\n"
    # Missing, unreadable or odd targets.
    inc["bad-inside.inc"] = b"text\npart / --size=-1\n"
    inc["unterminated.inc"] = b"%post\necho never ends\n"
    for name, line in [
        ("missing", b"%include inc/does-not-exist.inc"),
        ("missing-abs", b"%include /nonexistent/slipway-bad-input.ks"),
        ("missing-ksappend", b"%ksappend inc/does-not-exist.inc"),
        ("no-argument", b"%include"),
        ("directory", b"%include inc"),
        ("empty-quoted", b"%include ''"),
        ("error-inside", b"%include inc/bad-inside.inc"),
        ("unterminated-inside", b"%include inc/unterminated.inc"),
        ("quoted-unterminated", b"%include 'inc/deep-40.inc"),
    ]:
        cases[f"include-{name}"] = MINIMAL + line + b"\n"


def huge(cases):
    mib = 1024 * 1024
    cases["huge-unknown-command"] = MINIMAL + b"y" * mib + b"\n"
    cases["huge-unterminated-quote"] = MINIMAL + b"rootpw --plaintext '" + b"p" * mib + b"\n"
    cases["huge-no-newline"] = MINIMAL + b"part / --size=" + b"1" * mib
    cases["huge-post-no-end"] = MINIMAL + b"%post\n" + b"e" * mib + b"\n"
    cases["huge-many-args"] = MINIMAL + b"skipx" + b" a" * (mib // 2) + b"\n"


def write_all(d, files):
    os.makedirs(d, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--huge":
        cases = {}
        huge(cases)
        write_all(sys.argv[2], {f"{k}.ks": v for k, v in cases.items()})
        return
    if len(sys.argv) != 1:
        sys.exit("usage: gen.py [--huge DIR]")
    cases, inc = {}, {}
    for gen in (truncations, garbage, nul_bytes, bad_utf8, long_lines, quotes, sections, ranges, misc):
        gen(cases)
    includes(cases, inc)
    # Start clean: only what this script writes lives here.
    for d, ext in ((HERE, ".ks"), (os.path.join(HERE, "inc"), ".inc")):
        if os.path.isdir(d):
            for f in os.listdir(d):
                if f.endswith(ext):
                    os.unlink(os.path.join(d, f))
    write_all(HERE, {f"{k}.ks": v for k, v in cases.items()})
    write_all(os.path.join(HERE, "inc"), inc)
    size = sum(len(v) for v in cases.values()) + sum(len(v) for v in inc.values())
    print(f"{len(cases)} cases, {len(inc)} include files, {size} bytes")


if __name__ == "__main__":
    main()
