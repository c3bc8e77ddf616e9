#!/usr/bin/env bash
# Builds wakedock-test/busybox:1 from Debian's busybox-static (no registry needed).
set -euo pipefail
IMAGE=${1:-wakedock-test/busybox:1}
if docker image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi
BUSYBOX=$(command -v busybox || echo /bin/busybox)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/www" "$tmp/tmp" "$tmp/etc"
cp "$BUSYBOX" "$tmp/bin/busybox"
for c in sh ls cat echo sleep httpd wget top ps env stty seq yes head tail printf kill grep date hostname id true false; do ln -sf busybox "$tmp/bin/$c"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$tmp/etc/passwd"
echo '<h1>wakedock test</h1>' > "$tmp/www/index.html"
tar -C "$tmp" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
echo "built $IMAGE"
