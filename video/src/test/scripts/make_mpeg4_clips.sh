#!/usr/bin/env bash
# Makes the MPEG-4 Part 2 (AVI, MP4), Matroska and WebM test clips under src/test/resources/clips and
# ffmpeg's reference frames for them (every frame, presentation order, -fps_mode passthrough, which is
# -vsync passthrough in older ffmpeg): NAME.yuv420p.gz and NAME.rgb24.gz. CI never runs it (needs
# ffmpeg with libxvid, libx264, libvpx and libmp3lame; made with ffmpeg 5.1). To keep the repository small,
# the references are the luma planes only (NAME.y.gz, taken out as they are: -pix_fmt gray alone would
# rescale them to full range), and ffmpeg's rgb24 frames (NAME.rgb24.gz) for two
# clips, which check the colour conversion: it is the H.264 path's, whatever the codec.
#
# Packed bitstream: ffmpeg's libxvid wrapper turns on Xvid's packed mode (XVID_GLOBAL_PACKED) whenever
# B-frames are asked for in a container without global headers (AVI), exactly as DivX 5 does: a P-VOP
# and the B-VOP shown before it share one chunk, the next chunk holds a 6-byte not-coded placeholder,
# and the user data says "DivX503b1393p". divx_packed.avi is that stream tagged DX50 (DivX 5).
# ffmpeg's own mpeg4 encoder writes unpacked B-frames (xvid_b.avi, tagged XVID); with several threads it
# writes video packets with resync markers, so it runs on one thread except for resync.avi.
set -euo pipefail
OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../resources/clips" && pwd)"
cd "$OUT"
FF=(ffmpeg -v error -y)
src() { echo "testsrc2=size=$1:rate=25,noise=alls=${2:-3}:allf=t"; }
reference() { # FILE NAME [rgb]
  "${FF[@]}" -i "$1" -fps_mode passthrough -vf extractplanes=y -f rawvideo -pix_fmt gray - | gzip -9n > "$2.y.gz"
  if [ "${3:-}" = rgb ]; then "${FF[@]}" -i "$1" -fps_mode passthrough -f rawvideo -pix_fmt rgb24 - | gzip -9n > "$2.rgb24.gz"; fi
}

# Decodable.
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 12 -c:v libxvid -g 6 xvid_p.avi
# xvid_b crosses a second boundary with motion everywhere (a zoom), where jcodec's time-base defect shows.
"${FF[@]}" -f lavfi -i "mandelbrot=size=64x48:rate=25" -frames:v 30 -c:v mpeg4 -threads 1 -bf 2 -g 12 -vtag XVID xvid_b.avi
"${FF[@]}" -f lavfi -i "$(src 64x48)" -f lavfi -i "sine=frequency=440:sample_rate=22050" -frames:v 30 -t 1.2 \
  -c:v libxvid -bf 2 -g 12 -vtag DX50 -c:a libmp3lame -b:a 32k divx_packed.avi
"${FF[@]}" -f lavfi -i "$(src 400x226 0)" -frames:v 4 -c:v libxvid -bf 1 -g 4 -q:v 4 odd_width.avi
"${FF[@]}" -f lavfi -i "$(src 320x240 0)" -frames:v 5 -c:v libxvid -g 5 -q:v 5 qvga.avi
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 20 -c:v mpeg4 -threads 1 -bf 2 -g 10 mpeg4.mp4
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 12 -c:v libx264 -profile:v high -pix_fmt yuv420p -g 8 -bf 3 h264.mkv
for c in xvid_b divx_packed odd_width qvga; do reference "$c.avi" "$c"; done
reference xvid_p.avi xvid_p rgb
reference mpeg4.mp4 mpeg4
reference h264.mkv h264_mkv rgb

# Refused (each must fail with a message naming the feature).
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 6 -c:v libxvid -gmc 1 gmc.avi
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 6 -c:v mpeg4 -threads 1 -flags +qpel -vtag XVID qpel.avi
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 6 -c:v mpeg4 -threads 2 -slices 2 -vtag XVID resync.avi
"${FF[@]}" -f lavfi -i "$(src 64x48)" -frames:v 4 -c:v libvpx-vp9 vp9.webm
ls -l "$OUT"
