#!/usr/bin/env python3
"""`make bench` (issue 13): slipway against what users would otherwise run, on the same
inputs, in the same run. Prints one table, writes it as JSON and a PNG bar chart.

Run through tools/bench/bench.sh (root, fixtures, gnuplot). Environment:
  BUILD        build directory holding slipway (default: build)
  BENCH_RUNS   measured runs per case after one warm-up (default: 5)
  BENCH_ONLY   comma-separated groups to run: payload,image,solve,tui (default: all)
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(TOP, os.environ.get("BUILD", "build"))
SLIPWAY = os.path.join(BUILD, "slipway")
OUT = os.path.join(BUILD, "bench")
IN_ROOT = os.path.join(TOP, "tools/bench/in-root.sh")
BASELINE = os.path.join(TOP, "tests/fixtures/distro/baseline-image.sh")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ONLY = [g for g in os.environ.get("BENCH_ONLY", "").split(",") if g]
MIB = 1024 * 1024


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def sh(cmd, **kw):
    """A helper command whose output matters (not timed)."""
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def rmtree(path):
    if os.path.lexists(path):
        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)


def read_hwm(pid):
    """VmHWM of a live process in bytes (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Case:
    """One command measured RUNS times. rss: None, "own" (the process's own peak,
    polled from /proc: it runs children whose peaks are not its own) or "exact"
    (no children: getrusage's maxrss of the waited process is its own peak)."""

    def __init__(self, key, label, cmd, env=None, setup=None, check=None, rss=None, ok_rc=(0,)):
        self.key, self.label, self.cmd, self.env = key, label, cmd, env
        self.setup, self.check, self.rss, self.ok_rc = setup, check, rss, ok_rc
        self.times, self.rsses = [], []
        self.warmed = False  # its warm-up already ran

    def run(self, work, n, record):
        if self.setup:
            self.setup()
        logpath = os.path.join(work, "logs", f"{self.key}-{n}.log")
        env = dict(os.environ, **(self.env or {}))
        with open(logpath, "w") as logf:
            proc = subprocess.Popen(self.cmd, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                                    stderr=subprocess.STDOUT)
            t0 = time.monotonic()
            hwm, done = [0], threading.Event()

            def poll():
                while not done.is_set():
                    hwm[0] = max(hwm[0], read_hwm(proc.pid))
                    done.wait(0.02)

            poller = threading.Thread(target=poll, daemon=True)
            if self.rss == "own":
                poller.start()
            try:
                _, status, ru = os.wait4(proc.pid, 0)
            except BaseException:  # interrupted: the command goes too, cleaning up after itself
                proc.terminate()
                try:
                    os.waitpid(proc.pid, 0)
                except ChildProcessError:
                    pass
                raise
            finally:
                done.set()
            elapsed = time.monotonic() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            if poller.is_alive():
                poller.join()
        if proc.returncode not in self.ok_rc:
            with open(logpath) as f:
                tail = f.read()[-3000:]
            raise RuntimeError(f"{self.label}: exit {proc.returncode}; {logpath}:\n{tail}")
        if self.check:
            with open(logpath) as f:
                self.check(f.read())
        rss = ru.ru_maxrss * 1024 if self.rss == "exact" else hwm[0] if self.rss else None
        log(f"  {self.label}: {elapsed:.2f} s" + (f", peak RSS {rss / MIB:.0f} MiB" if rss else "")
            + ("" if record else " (warm-up)"))
        if record:
            self.times.append(elapsed)
            if rss:
                self.rsses.append(rss)


def measure(cases, work):
    """One warm-up round, then RUNS rounds; the cases of a group alternate inside each
    round, so that the machine's noise falls on every one of them alike."""
    for n in range(RUNS + 1):
        for c in cases:
            if n == 0 and c.warmed:
                continue
            c.run(work, n, record=n > 0)


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": values}


# ---------------------------------------------------------------------------- groups


def private_rpm_home(work):
    """Debian's rpm puts the rpmdb at ~/.rpmdb, also inside a root: a private HOME holds
    the macro (as tests/fixtures/distro/baseline-image.sh does)."""
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".rpmmacros"), "w") as f:
        f.write("%_dbpath /var/lib/rpm\n")
    return home


def dnf_repo_dir(work, name, baseurl, key=None):
    d = os.path.join(work, f"repos-{name}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"{name}.repo"), "w") as f:
        f.write(f"[{name}]\nname={name}\nbaseurl=file://{baseurl}\n")
        f.write(f"gpgcheck=1\ngpgkey=file://{key}\n" if key else "gpgcheck=0\n")
    return d


def group_payload(work, distro, results):
    """Row 1: @^minimal-environment into an empty directory."""
    ks = os.path.join(work, "payload.ks")
    with open(ks, "w") as f:
        f.write(f"url --url=file://{distro}\n%packages\n@^minimal-environment\n%end\n")
    key = os.path.join(distro, "RPM-GPG-KEY-slipway-test")
    home = private_rpm_home(work)
    repos = dnf_repo_dir(work, "distro", distro, key)
    target = os.path.join(work, "target")
    cache = {"SLIPWAY_CACHE": os.path.join(work, "slipway-cache")}
    fresh = lambda: (rmtree(target), os.makedirs(target))

    slipway = Case("payload-slipway", "slipway install --root",
                   [SLIPWAY, "install", "-k", ks, "--root", target, "--progress", "none",
                    "--log", os.path.join(work, "slipway-payload.log")],
                   env=cache, setup=lambda: rmtree(target), rss="own")
    # The warm-up install gives the package files for rpm -i and the tree for tar.
    slipway.run(work, 0, record=False)
    slipway.warmed = True
    names = sh(["rpm", "--root", target, "--dbpath", "/var/lib/rpm", "-qa", "--qf",
                "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n"]).split()
    files = [os.path.join(distro, f"{n}.rpm") for n in sorted(names) if not n.startswith("gpg-pubkey")]
    missing = [f for f in files if not os.path.exists(f)]
    if missing:
        raise RuntimeError(f"package files not in the repo: {missing[:5]}")
    tarball = os.path.join(work, "payload.tar")
    subprocess.run(["tar", "-C", target, "--numeric-owner", "--xattrs", "-cf", tarball, "."], check=True)
    log(f"payload: {len(files)} packages, {os.path.getsize(tarball) / MIB:.0f} MiB of files")

    dnf = Case("payload-dnf", "dnf --installroot",
               [IN_ROOT, target, "dnf", "-q", "-y", f"--installroot={target}", "--releasever=13",
                f"--setopt=reposdir={repos}", "--setopt=install_weak_deps=True",
                f"--setopt=cachedir={work}/dnf-cache", f"--setopt=logdir={work}",
                "install", "@minimal-environment"],
               env={"HOME": home}, setup=fresh)
    rpm = Case("payload-rpm", "rpm -i --root (transaction floor)",
               [IN_ROOT, target, "sh", "-c",
                'r=$0 k=$1; shift; rpm --root "$r" --import "$k" && exec rpm -i --root "$r" "$@"',
                target, key] + files,
               env={"HOME": home}, setup=fresh)
    tar = Case("payload-tar", "tar -x (write floor)",
               ["tar", "-C", target, "--numeric-owner", "--xattrs", "-xf", tarball], setup=fresh)
    measure([slipway, dnf, rpm, tar], work)
    rmtree(target)
    os.unlink(tarball)
    results["payload"] = {"packages": len(files), "cases": [slipway, dnf, rpm, tar]}


def group_image(work, distro, results):
    """Row 2: partition → bootable image, unattended."""
    ks = os.path.join(work, "image.ks")
    # the baseline's set: @minimal-environment without weak deps, root password, GPT
    # with BIOS boot + ESP + ext4 root (autopart plain, no swap in image mode)
    with open(ks, "w") as f:
        f.write(f"url --url=file://{distro}\nrootpw --plaintext slipway\nautopart --type=plain\n"
                "%packages --exclude-weakdeps\n@^minimal-environment\n%end\n")
    img = os.path.join(work, "disk.img")
    cache = {"SLIPWAY_CACHE": os.path.join(work, "slipway-cache"), "TMPDIR": work}
    slipway = Case("image-slipway", "slipway install --image",
                   [SLIPWAY, "install", "-k", ks, "--image", img, "--size", "4G", "--progress", "none",
                    "--log", os.path.join(work, "slipway-image.log")],
                   env=cache, setup=lambda: rmtree(img), rss="own")
    baseline = Case("image-baseline", "baseline-image.sh (sfdisk, mkfs, dnf, dracut, grub)",
                    [BASELINE, img, "--size", "4G", "--repo", distro],
                    setup=lambda: rmtree(img))  # (no TMPDIR: its dracut runs in the target)
    measure([slipway, baseline], work)
    rmtree(img)
    results["image"] = {"cases": [slipway, baseline]}


def group_solve(work, synth, results):
    """Row 3: depsolve of the 70,000-package repo, without and with a solv cache."""
    scale = os.path.join(synth, "scale")
    with open(os.path.join(scale, "bench-targets.txt")) as f:
        targets = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    ks = os.path.join(work, "solve.ks")
    with open(ks, "w") as f:
        f.write(f"url --url=file://{scale}\n%packages --nocore\n" + "\n".join(targets) + "\n%end\n")
    scache = os.path.join(work, "solve-cache")
    slip = [SLIPWAY, "install", "-k", ks, "--root", os.path.join(work, "never-made"), "--dry-run",
            "--nogpgcheck", "--progress", "none"]
    found = {}

    def counted(key, pattern):
        def check(out):
            m = re.search(pattern, out)
            if not m:
                raise RuntimeError(f"{key}: no package count in the output:\n{out[-2000:]}")
            found[key] = int(m.group(1))
        return check

    s_cold = Case("solve-cold-slipway", "slipway --dry-run, no solv cache", slip,
                  env={"SLIPWAY_CACHE": scache}, setup=lambda: rmtree(scache), rss="exact",
                  check=counted("slipway", r"install (\d+) packages"))
    s_warm = Case("solve-warm-slipway", "slipway --dry-run, solv cache", slip,
                  env={"SLIPWAY_CACHE": scache}, rss="exact", check=counted("slipway", r"install (\d+) packages"))
    droot = os.path.join(work, "dnf-solve-root")  # empty: nothing installed, as for slipway
    dcache = os.path.join(work, "dnf-solve-cache")  # (dnf 4.14 does not put it under the root)
    repos = dnf_repo_dir(work, "scale", scale)
    dnf = ["dnf", f"--installroot={droot}", "--releasever=13", f"--setopt=reposdir={repos}",
           f"--setopt=cachedir={dcache}", f"--setopt=logdir={work}"]
    resolve = dnf + ["--assumeno", "install"] + targets
    # --assumeno: dnf resolves, prints the transaction, answers no and exits 1
    d_cold = Case("solve-cold-dnf", "dnf makecache + resolve",
                  ["sh", "-c", 'dnf "$@" makecache >/dev/null && exec dnf "$@" --assumeno install $T',
                   "sh"] + dnf[1:],
                  env={"T": " ".join(targets)}, setup=lambda: rmtree(dcache),
                  ok_rc=(1,), check=counted("dnf", r"Install\s+(\d+) Package"))
    d_warm = Case("solve-warm-dnf", "dnf -C resolve (solv cache)", dnf + ["-C"] + resolve[len(dnf):],
                  ok_rc=(1,), check=counted("dnf", r"Install\s+(\d+) Package"))
    os.makedirs(droot, exist_ok=True)
    measure([s_cold, s_warm, d_cold, d_warm], work)
    for d in (droot, dcache, scache):
        rmtree(d)
    results["solve"] = {"packages": found, "cases": [s_cold, s_warm, d_cold, d_warm]}


def tui_first_screen(work):
    """Row 5: `slipway` with no arguments on a terminal (a tmux pane of a private
    server, its socket in work) until the pane shows something and slipway is still running. Returns
    (milliseconds of each run, None) or (None, why not)."""
    sock = os.path.join(work, f"tmux-{time.monotonic_ns()}.sock")
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    # the pane prints a marker when slipway exits: a message and an exit is not a screen
    script = f'"{SLIPWAY}"; echo "@@exit $?"; sleep 60'
    times = []
    try:
        # a session that outlives the measured ones keeps the server up between runs
        subprocess.run(tmux + ["new-session", "-d", "-s", "keep", "sleep 3600"], check=True)
        for n in range(RUNS + 1):
            subprocess.run(tmux + ["new-session", "-d", "-s", "tui", "-x", "100", "-y", "30",
                                   "sleep 600"], check=True)
            t0 = time.monotonic()
            subprocess.run(tmux + ["respawn-pane", "-k", "-t", "tui", script], check=True)
            first = None
            while time.monotonic() - t0 < 10:
                screen = sh(tmux + ["capture-pane", "-p", "-t", "tui"])
                if "@@exit" in screen:
                    first = None
                    break
                if screen.strip() and first is None:
                    first = time.monotonic() - t0
                    time.sleep(1)  # still running a second later: a screen, not a message
                    continue
                if first is not None:
                    break
                time.sleep(0.002)
            subprocess.run(tmux + ["kill-session", "-t", "tui"], check=False)
            if first is None:
                return None, "n/a (no TUI yet)"
            if n > 0:
                times.append(first * 1000)
    finally:
        subprocess.run(tmux + ["kill-server"], check=False, capture_output=True)
        rmtree(sock)
    return times, None


def static_size():
    path = sh(["make", "-s", "--no-print-directory", "-C", TOP, "static-path"]).strip()
    if os.path.isfile(path):
        return os.path.getsize(path), path
    return None, path


# ---------------------------------------------------------------------------- the table


def fmt_s(v):
    return f"{v:.2f} s" if v < 10 else f"{v:.1f} s"


TITLES = {1: "payload → dir", 2: "image", 3: "70k solve"}


def rows_from(results):
    """The table as rows: what, median, min–max, ratio to the peer, goal, verdict."""
    rows = []

    def timed(group, c, peer=None, goal=None, goal_text="", absolute=None):
        st = stats(c.times)
        row = {"group": group, "key": c.key, "what": f"{TITLES[group]}: {c.label}", "unit": "s", **st}
        if peer is not None:
            row["ratio"] = peer.slip_median / st["median"]
            row["ratio_text"] = f"{row['ratio']:.2f}× {peer.short}"
        if goal is not None:
            val = row["ratio"] if absolute is None else st["median"]
            row["goal"], row["met"] = goal, val <= goal
        row["goal_text"] = goal_text
        rows.append(row)

    class Peer:
        def __init__(self, slip, short):
            self.slip_median, self.short = statistics.median(slip.times), short

    if "payload" in results:
        s, d, r, t = results["payload"]["cases"]
        timed(1, s)
        timed(1, d, Peer(s, "dnf"), 0.5, "≤ 0.5× dnf")
        timed(1, r, Peer(s, "rpm -i"), 1.15, "≤ 1.15× rpm -i")
        timed(1, t, Peer(s, "tar -x"), None, "(floor)")
    if "image" in results:
        s, b = results["image"]["cases"]
        timed(2, s)
        timed(2, b, Peer(s, "shell"), 0.5, "≤ 0.5× shell")
    if "solve" in results:
        sc, sw, dc, dw = results["solve"]["cases"]
        timed(3, sc, None, 1.5, "≤ 1.5 s", absolute=True)
        timed(3, dc, Peer(sc, "dnf"))
        timed(3, sw, None, 0.3, "≤ 0.3 s", absolute=True)
        timed(3, dw, Peer(sw, "dnf"))
    for name, g in (("payload", 0), ("image", 0), ("solve", 0), ("solve", 1)):
        if name not in results:
            continue
        c = results[name]["cases"][g]
        if not c.rsses:
            continue
        st = stats([v / MIB for v in c.rsses])
        what = f"peak RSS: {TITLES[{'payload': 1, 'image': 2}.get(name, 3)]}: {c.label}"
        rows.append({"group": 4, "key": f"rss-{c.key}", "what": what, "unit": "MiB",
                     **st, "goal": 64, "met": st["median"] <= 64, "goal_text": "≤ 64 MiB"})
    if "tui" in results:
        times, why = results["tui"]
        row = {"group": 5, "key": "tui", "what": "TUI: time to first screen", "unit": "ms",
               "goal": 50, "goal_text": "≤ 50 ms"}
        if times:
            row.update(stats(times), met=statistics.median(times) <= 50)
        else:
            row["text"] = why
        rows.append(row)
    size, path = results["static"]
    row = {"group": 5, "key": "static", "what": "static binary size", "unit": "MiB",
           "goal": 16, "goal_text": "≤ 16 MiB", "path": path}
    if size:
        row.update(median=size / MIB, min=size / MIB, max=size / MIB, met=size / MIB <= 16)
    else:
        row["text"] = "n/a (make static not run)"
    rows.append(row)
    return rows


def render(rows):
    def val(r, v):
        if r["unit"] == "s":
            return fmt_s(v)
        return f"{v:.0f} {r['unit']}" if r["unit"] == "ms" else f"{v:.1f} {r['unit']}"

    head = ("#", "measure", "median", "min–max", "slipway vs peer", "goal", "")
    table = [head]
    for r in rows:
        if "text" in r:  # "n/a (why)": the reason goes where the ratio would be
            cells = ("n/a", "", r["text"].removeprefix("n/a (").removesuffix(")"))
        else:
            lo, hi = val(r, r["min"]), val(r, r["max"])
            cells = (val(r, r["median"]), f"{lo.split()[0]}–{hi}", r.get("ratio_text", ""))
        verdict = "" if "met" not in r else "met" if r["met"] else "MISSED"
        table.append((str(r["group"]), r["what"]) + cells + (r["goal_text"], verdict))
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = []
    for i, row in enumerate(table):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def chart(rows, png):
    """Median and min–max of every timed row, log scale (0.2 s … 60 s)."""
    timed = [r for r in rows if r["unit"] == "s"]
    if not timed or not shutil.which("gnuplot"):
        return False
    dat = png[:-4] + ".dat"
    with open(dat, "w") as f:
        for i, r in enumerate(timed):
            color = 0x1f77b4 if r["key"].endswith("slipway") else 0xaaaaaa
            label = r["what"].replace('"', "'")
            f.write(f'{i} {r["median"]} {r["min"]} {r["max"]} {color} "{label}"\n')
    gp = f"""set terminal pngcairo size 1200,700 font ",9" noenhanced
set output "{png}"
set title "make bench: median seconds (bars), min–max (whiskers); blue = slipway"
set logscale y
set ylabel "seconds (log)"
set grid ytics
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -35 left
set bmargin 14
set rmargin 16
unset key
plot "{dat}" using 1:2:5:xtic(6) with boxes lc rgb variable, \\
     "{dat}" using 1:2:3:4 with yerrorbars lc rgb "black" pt 0
"""
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    os.unlink(dat)
    return True


def machine():
    def out(cmd):
        try:
            return subprocess.run(cmd, text=True, capture_output=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return None
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(),
            "loadavg": load, "kernel": os.uname().release, "slipway": out([SLIPWAY, "version"]),
            "dnf": out(["dnf", "--version"]), "rpm": out(["rpm", "--version"]), "runs": RUNS}


def write_outputs(results, info, t0):
    """The table so far, as text, JSON and PNG: written after every group, so that
    an interrupted run still leaves what it measured."""
    rows = rows_from(results)
    info["seconds"] = round(time.monotonic() - t0)
    with open("/proc/loadavg") as f:
        info["loadavg_end"] = f.read().split()[:3]
    text = render(rows)
    with open(os.path.join(OUT, "bench.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "bench.json"), "w") as f:
        json.dump({"machine": info, "packages": {k: v.get("packages") for k, v in results.items()
                                                 if isinstance(v, dict)}, "rows": rows}, f, indent=1)
    return text, chart(rows, os.path.join(OUT, "bench.png"))


def main():
    if os.geteuid() != 0:
        sys.exit("bench: must run as root (loop devices, chroots)")
    wanted = lambda g: not ONLY or g in ONLY
    distro = sh([os.path.join(TOP, "tests/fixtures/distro/build.sh"), "--print-path"]).strip()
    synth = sh([os.path.join(TOP, "tests/fixtures/synth/build.sh"), "--print-path"]).strip()
    for p in (os.path.join(distro, "repodata/repomd.xml"), os.path.join(synth, "scale/repodata/repomd.xml")):
        if not os.path.exists(p):
            sys.exit(f"bench: {p} is missing: run make fixtures")
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="slipway-bench.", dir="/var/tmp")
    os.makedirs(os.path.join(work, "logs"))
    results, t0 = {}, time.monotonic()
    info = machine()
    log(f"{RUNS} runs after a warm-up; {info['cpus']} CPUs, load {' '.join(info['loadavg'])}; work in {work}")
    try:
        results["static"] = static_size()
        # quickest first: a run cut short still has the solve and payload rows
        for name, fn, arg in (("solve", group_solve, synth), ("payload", group_payload, distro),
                              ("image", group_image, distro)):
            if wanted(name):
                log(f"{name}:")
                fn(work, arg, results)
                write_outputs(results, info, t0)
        if wanted("tui"):
            results["tui"] = tui_first_screen(work)
    except (RuntimeError, subprocess.CalledProcessError, KeyboardInterrupt) as e:
        for entry in os.listdir(work):  # targets and images are large: only the logs stay
            if entry != "logs":
                rmtree(os.path.join(work, entry))
        log(f"FAILED: {str(e) or 'interrupted'}; logs kept in {work}/logs")
        sys.exit(1)
    text, drawn = write_outputs(results, info, t0)
    shutil.rmtree(work)
    print(text, end="")
    print(f"\n{info['cpus']} CPUs, load {' '.join(info['loadavg'])} → {' '.join(info['loadavg_end'])}; "
          f"{RUNS} runs after a warm-up; {info['seconds']} s in all")
    print(f"written: {OUT}/bench.json, bench.txt" + (", bench.png" if drawn else " (no gnuplot: no PNG)"))


if __name__ == "__main__":
    main()
