#!/usr/bin/env bash
# Makes the small clips under src/test/resources/clips and ffmpeg's reference frames for them.
# Kept in the repository so the resources can be re-made; CI never runs it (needs ffmpeg with libx264,
# and libx265; made with ffmpeg 5.1). Reference frames are all frames of a clip, in presentation
# order, as ffmpeg decodes them: NAME.yuv420p.gz (planar) and NAME.rgb24.gz (ffmpeg's default conversion).
set -euo pipefail
OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../resources/clips" && pwd)"
cd "$OUT"
FF=(ffmpeg -v error -y)
SRC="testsrc2=size=64x48:rate=25,noise=alls=6:allf=t"

x264() { # NAME SIZE FRAMES x264-options...
  local name=$1 size=$2 frames=$3; shift 3
  "${FF[@]}" -f lavfi -i "testsrc2=size=$size:rate=25,noise=alls=6:allf=t" -frames:v "$frames" \
    -c:v libx264 -pix_fmt yuv420p "$@" "$name.mp4"
}
reference() { # NAME: every frame, presentation order, no frame dropped or duplicated
  "${FF[@]}" -i "$1.mp4" -fps_mode passthrough -f rawvideo -pix_fmt yuv420p - | gzip -9n > "$1.yuv420p.gz"
  "${FF[@]}" -i "$1.mp4" -fps_mode passthrough -f rawvideo -pix_fmt rgb24 - | gzip -9n > "$1.rgb24.gz"
}

# Decodable: the three profiles, B-frames with pyramid (main, high), a size that is not a multiple
# of 16, an open GOP whose key frames (except the first) are not IDR pictures, and an edit list.
x264 baseline 64x48 12 -profile:v baseline -g 8
x264 main 64x48 12 -profile:v main -g 8 -bf 3
x264 high 64x48 12 -profile:v high -g 8 -bf 3 -x264-params b-pyramid=normal
x264 odd 58x38 12 -profile:v high -g 6 -bf 2
x264 opengop 64x48 20 -profile:v high -bf 3 -x264-params open-gop=1:keyint=6:min-keyint=6:scenecut=0
# Cut without re-encoding: the edit list hides the frames before the cut that later frames need.
x264 trimmed.tmp 64x48 20 -profile:v high -g 8 -bf 3
"${FF[@]}" -ss 0.3 -i trimmed.tmp.mp4 -c copy trimmed.mp4
rm trimmed.tmp.mp4
for c in baseline main high odd opengop trimmed; do reference $c; done

# Not decodable by jcodec (each must fail with a message naming the feature).
x264 tenbit 64x48 4 -pix_fmt yuv420p10le
x264 chroma422 64x48 4 -pix_fmt yuv422p
x264 interlaced 64x48 4 -flags +ildct -x264-params interlaced=1
x264 temporal 64x48 8 -bf 3 -x264-params direct=temporal
x264 nodeblock 64x48 4 -x264-params no-deblock=1
x264 noweightp 64x48 8 -bf 3 -x264-params weightp=0
"${FF[@]}" -f lavfi -i "$SRC" -frames:v 4 -c:v libx265 -x265-params log-level=none -pix_fmt yuv420p hevc.mp4
"${FF[@]}" -i high.mp4 -c copy -movflags frag_keyframe+empty_moov fragmented.mp4

# Damaged: cut-off files (movie header at the end, and at the front with the frames cut), random
# bytes, an empty file.
"${FF[@]}" -i high.mp4 -c copy -movflags +faststart faststart.tmp.mp4
head -c 2000 high.mp4 > truncated.mp4
head -c "$(( $(stat -c %s faststart.tmp.mp4) - 1500 ))" faststart.tmp.mp4 > truncated_frames.mp4
rm faststart.tmp.mp4
python3 -c "import random; random.seed(6); open('random.mp4','wb').write(bytes(random.randrange(256) for _ in range(3000)))"
: > empty.mp4
ls -l "$OUT"
