#!/usr/bin/env python3
"""Writes an OCI image layout (image-spec v1.1) from staged layer directories, without a container engine.

Used by bin/image. Each layer is one directory whose tree becomes the layer's files. Tar entries are sorted, carry
one fixed mtime, and are owned by root unless a path is listed in the spec's "owners"; gzip headers carry no
name or time: the same inputs give the same digests. Compressed layers are cached by their uncompressed digest
(the diff_id) in CACHE_DIR, so an unchanged layer is not compressed again.

Usage: oci_image.py SPEC.json OUT_DIR CACHE_DIR
SPEC: {"mtime": int, "tag": str, "layers": [{"dir": path, "comment": str}], "config": {...image config...},
       "owners": {"path/in/image": [uid, gid]}, "annotations": {...}}
"""
import gzip
import hashlib
import json
import os
import shutil
import stat
import sys
import tarfile

LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_TYPE = "application/vnd.oci.image.index.v1+json"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def layer_tar(root, out_path, mtime, owners):
    """Writes root's tree as a tar: sorted, fixed mtime, root-owned except listed paths."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(dirnames + filenames):
            entries.append(os.path.normpath(os.path.join(rel_dir, name)))
    entries.sort()
    with open(out_path, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for rel in entries:
                full = os.path.join(root, rel)
                st = os.lstat(full)
                info = tarfile.TarInfo(rel)
                info.mtime = mtime
                info.mode = stat.S_IMODE(st.st_mode)
                uid, gid = owners.get(rel, (0, 0))
                info.uid, info.gid = uid, gid
                info.uname = info.gname = ""
                if stat.S_ISLNK(st.st_mode):
                    info.type = tarfile.SYMTYPE
                    info.linkname = os.readlink(full)
                    tar.addfile(info)
                elif stat.S_ISDIR(st.st_mode):
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif stat.S_ISREG(st.st_mode):
                    info.size = st.st_size
                    with open(full, "rb") as f:
                        tar.addfile(info, f)
                else:
                    raise SystemExit(f"oci_image: {full}: only files, directories and symlinks go into a layer")


def blob_path(out, digest):
    return os.path.join(out, "blobs", "sha256", digest)


def write_blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(blob_path(out, digest), "wb") as f:
        f.write(data)
    return digest, len(data)


def main():
    spec_path, out, cache = sys.argv[1:4]
    with open(spec_path) as f:
        spec = json.load(f)
    mtime = int(spec["mtime"])
    owners = {k: tuple(v) for k, v in spec.get("owners", {}).items()}
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)

    layers, diff_ids, history = [], [], []
    for layer in spec["layers"]:
        tar_tmp = os.path.join(out, "layer.tar")
        layer_tar(layer["dir"], tar_tmp, mtime, owners)
        diff_id = sha256_file(tar_tmp)
        cached = os.path.join(cache, diff_id + ".tar.gz")
        if not os.path.exists(cached):
            part = cached + ".part"
            with open(tar_tmp, "rb") as src, open(part, "wb") as dst:
                # no file name and mtime 0 in the gzip header: the same tar gives the same blob
                with gzip.GzipFile(filename="", mode="wb", fileobj=dst, compresslevel=6, mtime=0) as gz:
                    shutil.copyfileobj(src, gz, 1 << 20)
            os.replace(part, cached)
        os.remove(tar_tmp)
        digest = sha256_file(cached)
        shutil.copyfile(cached, blob_path(out, digest))
        size = os.path.getsize(cached)
        layers.append({"mediaType": LAYER_TYPE, "digest": "sha256:" + digest, "size": size})
        diff_ids.append("sha256:" + diff_id)
        history.append({"created": spec["created"], "created_by": "bin/image", "comment": layer["comment"]})
        print(f"oci_image: layer {layer['comment']}: {size / 1048576:.1f} MiB sha256:{digest[:12]}", file=sys.stderr)

    config = {
        "created": spec["created"],
        "architecture": "amd64",
        "os": "linux",
        "config": spec["config"],
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    config_bytes = json.dumps(config, indent=2, sort_keys=True).encode()
    config_digest, config_size = write_blob(out, config_bytes)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "digest": "sha256:" + config_digest, "size": config_size},
        "layers": layers,
        "annotations": spec.get("annotations", {}),
    }
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    manifest_digest, manifest_size = write_blob(out, manifest_bytes)
    index = {
        "schemaVersion": 2,
        "mediaType": INDEX_TYPE,
        "manifests": [{
            "mediaType": MANIFEST_TYPE,
            "digest": "sha256:" + manifest_digest,
            "size": manifest_size,
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"org.opencontainers.image.ref.name": spec["tag"]},
        }],
    }
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)
    total = sum(l["size"] for l in layers)
    print(f"oci_image: {out} tag {spec['tag']}: manifest sha256:{manifest_digest}, {total / 1048576:.1f} MiB compressed",
          file=sys.stderr)


if __name__ == "__main__":
    main()
