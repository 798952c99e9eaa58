#!/usr/bin/env python3
"""mkimage — build Sockeye's root filesystem image (ext2 revision 1, 4 KiB blocks).

    mkimage.py --out build/rootfs.img --busybox PATH [--user build/user/NAME]...
               [--test build/tests/system/NAME_test]... [--size-mb 128]

What goes in, and with which owner and mode, is mkimage/manifest; the host's owners, modes
and times never reach the image. Steps:
  1. stage every manifest entry into a fresh directory next to the output (files copied,
     symlinks made, modes set);
  2. mke2fs -t ext2 -d STAGING with a fixed UUID, hash seed and creation time (scandir +
     alphasort in mke2fs gives a fixed file order; LC_ALL=C pins the collation);
  3. one debugfs -w script sets mode, uid, gid and all times of every inode, from the manifest;
  4. the superblock's write/check times, which debugfs resets on close, are set back to the
     fixed time;
  5. e2fsck -fn must find the result clean.
The same inputs give a byte-identical image. Times come from SOURCE_DATE_EPOCH (default
below). The output is written to a temporary name and renamed into place at the end.
"""
import argparse
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_EPOCH = 1735689600  # 2025-01-01 00:00:00 UTC
FS_UUID = "5ec0c4e0-50c4-4e7e-9a3b-000000000001"
HASH_SEED = "5ec0c4e0-50c4-4e7e-9a3b-000000000002"
LABEL = "sockeye"

TYPE_BITS = {"dir": stat.S_IFDIR, "file": stat.S_IFREG, "link": stat.S_IFLNK}


class ManifestError(Exception):
    pass


def read_manifest(path):
    entries = []
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            cols = line.split()
            where = f"{path}:{number}"
            if len(cols) not in (5, 6):
                raise ManifestError(f"{where}: expected PATH TYPE MODE UID GID [SOURCE]")
            p, kind, mode, uid, gid = cols[:5]
            source = cols[5] if len(cols) == 6 else None
            if kind not in TYPE_BITS:
                raise ManifestError(f"{where}: unknown type {kind!r}")
            if not p.startswith("/"):
                raise ManifestError(f"{where}: path must be absolute")
            if (kind == "dir") != (source is None):
                raise ManifestError(f"{where}: {'a dir takes no' if kind == 'dir' else 'needs a'} source")
            entries.append(dict(path=p, kind=kind, mode=int(mode, 8), uid=int(uid), gid=int(gid),
                                source=source, where=where))
    return entries


def expand(entries, args):
    """Resolve sources to host paths and expand the '*' entries; check the whole tree."""
    out = []
    for e in entries:
        src = e["source"]
        if e["kind"] == "file" and src in ("@user/*", "@tests/*"):
            if "*" not in e["path"]:
                raise ManifestError(f"{e['where']}: {src} needs a '*' in the path")
            programs = args.user if src == "@user/*" else args.test
            for host in sorted(programs, key=os.path.basename):
                if not os.path.isfile(host):
                    raise ManifestError(f"{host} does not exist")
                name = os.path.basename(host)
                out.append(dict(e, path=e["path"].replace("*", name), host=host))
            continue
        if "*" in e["path"]:
            raise ManifestError(f"{e['where']}: '*' only goes with @user/* or @tests/*")
        if e["kind"] == "file":
            if src == "@busybox":
                host = args.busybox
            elif src.startswith("rootfs/"):
                host = os.path.join(REPO, src)
            else:
                raise ManifestError(f"{e['where']}: unknown source {src!r}")
            if not os.path.isfile(host):
                raise ManifestError(f"{e['where']}: {host} does not exist")
            out.append(dict(e, host=host))
        else:
            out.append(dict(e, host=None))

    seen = {}
    for e in out:
        if e["path"] in seen:
            raise ManifestError(f"{e['where']}: {e['path']} is already listed at {seen[e['path']]['where']}")
        parent = os.path.dirname(e["path"])
        if e["path"] != "/" and (parent not in seen or seen[parent]["kind"] != "dir"):
            raise ManifestError(f"{e['where']}: parent directory {parent} is not listed before it")
        seen[e["path"]] = e
    if "/" not in seen:
        raise ManifestError("manifest: '/' is not listed")

    listed = {e["source"] for e in out if e["kind"] == "file"}
    for root, dirs, files in os.walk(os.path.join(REPO, "rootfs")):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(root, name), REPO)
            if rel not in listed:
                raise ManifestError(f"{rel} is not listed in the manifest (add it with its mode and owner)")
    return out


def stage(entries, staging, strip):
    for e in entries:
        dest = staging + e["path"]
        if e["kind"] == "dir":
            os.makedirs(dest, exist_ok=True)
        elif e["kind"] == "link":
            os.symlink(e["source"], dest)
        else:
            shutil.copyfile(e["host"], dest)
            if strip and e["source"] in ("@user/*", "@tests/*"):
                subprocess.run([strip, "--strip-all", dest], check=True)
        if e["kind"] != "link":
            os.chmod(dest, e["mode"])


def debugfs_quote(path):
    if any(c in path for c in ' "\\'):
        raise ManifestError(f"{path}: blanks, quotes and backslashes are not supported in image paths")
    return path


def debugfs_script(entries, epoch):
    lines = []
    fixed = [("/", stat.S_IFDIR | 0o755, 0, 0), ("/lost+found", stat.S_IFDIR | 0o700, 0, 0)]
    have = {e["path"] for e in entries}
    targets = [(e["path"], TYPE_BITS[e["kind"]] | (0o777 if e["kind"] == "link" else e["mode"]),
                e["uid"], e["gid"]) for e in entries]
    targets += [t for t in fixed if t[0] not in have]
    for path, mode, uid, gid in targets:
        p = debugfs_quote(path)
        lines.append(f"sif {p} mode 0{mode:o}")
        for field, value in (("uid", uid), ("gid", gid), ("atime", f"@{epoch}"), ("mtime", f"@{epoch}"),
                             ("ctime", f"@{epoch}"), ("crtime", f"@{epoch}"), ("atime_extra", 0),
                             ("mtime_extra", 0), ("ctime_extra", 0), ("crtime_extra", 0)):
            lines.append(f"sif {p} {field} {value}")
    for field in ("mkfs_time", "wtime", "lastcheck", "mtime"):
        lines.append(f"ssv {field} {'@' + str(epoch) if field != 'mtime' else 0}")
    return "\n".join(lines) + "\n"


def fix_superblock_times(image, epoch):
    # debugfs stamps s_wtime with the real time when it closes the filesystem; ext2 without
    # metadata_csum has no superblock checksum, so the field is simply written back.
    S_WTIME = 1024 + 48
    with open(image, "r+b") as f:
        f.seek(S_WTIME)
        f.write(struct.pack("<I", epoch))


def run(cmd, env=None, stdin=None):
    r = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"mkimage: {' '.join(cmd[:2])} ... failed with status {r.returncode}")
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--manifest", default=os.path.join(HERE, "manifest"))
    ap.add_argument("--user", action="append", default=[], metavar="PROGRAM",
                    help="a built user program, installed as /usr/bin/<name> (repeat)")
    ap.add_argument("--test", action="append", default=[], metavar="PROGRAM",
                    help="a built guest test, installed as /tests/<name> (repeat)")
    ap.add_argument("--size-mb", type=int, default=128)
    ap.add_argument("--strip", default="riscv64-linux-gnu-strip",
                    help="strip program for user programs and tests ('' keeps symbols)")
    args = ap.parse_args()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))

    try:
        entries = expand(read_manifest(args.manifest), args)
    except ManifestError as e:
        raise SystemExit(f"mkimage: {e}")

    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".mkimage-", dir=os.path.dirname(out))
    try:
        staging = os.path.join(work, "root")
        os.mkdir(staging)
        stage(entries, staging, args.strip)
        img = os.path.join(work, "rootfs.img")
        env = dict(os.environ, LC_ALL="C", E2FSPROGS_FAKE_TIME=str(epoch), MKE2FS_CONFIG="/dev/null")
        env.pop("MKE2FS_DEVICE_SECTSIZE", None)
        # ext2 revision 1 with the classic features only: no dir_index (htree), so a simple
        # kernel may write any directory; 256-byte inodes; no reserved blocks.
        run(["mke2fs", "-q", "-F", "-t", "ext2", "-r", "1", "-b", "4096", "-I", "256", "-m", "0",
             "-O", "none,sparse_super,large_file,filetype,ext_attr",
             "-L", LABEL, "-U", FS_UUID, "-E", f"hash_seed={HASH_SEED},root_owner=0:0",
             "-d", staging, img, f"{args.size_mb}M"], env=env)
        script = os.path.join(work, "debugfs.script")
        with open(script, "w") as f:
            f.write(debugfs_script(entries, epoch))
        r = run(["debugfs", "-w", "-f", script, img], env=env)
        errors = [l for l in r.stderr.splitlines() if l and not l.startswith("debugfs ")]
        if errors:
            raise SystemExit("mkimage: debugfs reported:\n  " + "\n  ".join(errors[:20]))
        fix_superblock_times(img, epoch)
        r = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            sys.stderr.write(r.stdout + r.stderr)
            raise SystemExit("mkimage: e2fsck -fn does not find the new image clean")
        os.replace(img, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = sum(1 for e in entries if e["kind"] == "file")
    print(f"mkimage: {args.out}: {args.size_mb} MiB ext2, {len(entries)} entries ({files} files)")


if __name__ == "__main__":
    main()
