#!/bin/sh
# SPDX-License-Identifier: MIT
# chart.sh IN OUT.svg|OUT.png - draw ns per message against message size
# for every path, from the BENCH lines of a benchmark run (the console log
# of `make bench`, or those lines alone), with gnuplot (Debian package
# gnuplot-nox).  One colour per path; solid: queue depth 10, dashed: 64.
# Without gnuplot it says how to get it and draws nothing (status 0).
set -eu
in=$1 out=$2
if ! command -v gnuplot > /dev/null 2>&1; then
	echo "chart.sh: no gnuplot; apt-get install gnuplot-nox, then:" \
		"sh $0 $in $out"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One data file per series (path and queue depth), in a fixed order.
awk -F '\t' -v d="$tmp" '
$1 == "BENCH" && ($2 == "stream" || $2 == "memcpy") && $7 ~ /^[0-9.]+$/ {
	s = $2 == "memcpy" ? "memcpy" : $5 "@" $4
	print $3, $7 > (d "/" s ".dat")
}' "$in"
for f in "$tmp"/*.dat; do
	[ -e "$f" ] && sort -n -o "$f" "$f"
done
info=$(awk -F '\t' '$1 == "BENCH-INFO" {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = substr($i, length(kv[1]) + 2) }
	t = "kernel " v["kernel"] ", clock " v["clock"] ", " v["date"]
} END { print t }' "$in" | tr -d "'\"")

plot=""
for pc in kmq:#000000 posix:#d62728 mqdev:#1f77b4 mqdev-b8:#17becf \
	mqdev-b32:#9467bd sysv:#2ca02c pipe:#ff7f0e; do
	p=${pc%%:*} colour=${pc#*:}
	for d in 10 64; do
		f=$tmp/$p@$d.dat
		[ -s "$f" ] || continue
		dash=1
		[ "$d" = 64 ] && dash=2
		plot="$plot${plot:+, }'$f' using 1:2 with linespoints dashtype $dash lw 2 lc rgb '$colour' title '$p, depth $d'"
	done
done
if [ -s "$tmp/memcpy.dat" ]; then
	plot="$plot${plot:+, }'$tmp/memcpy.dat' using 1:2 with lines dashtype 3 lw 2 lc rgb '#7f7f7f' title 'one memcpy'"
fi
[ -n "$plot" ] || { echo "chart.sh: no stream results in $in" >&2; exit 1; }

case "$out" in
*.png) term="pngcairo size 1000,600 font 'sans,11' background rgb 'white'" ;;
*) term="svg size 1000,600 dynamic font 'sans,12' background rgb 'white'" ;;
esac
gnuplot <<GP
set terminal $term
set output '$out'
set title "mqueue-lab: stream between two processes, ns per message\n{/*0.8 $info}"
set logscale xy
set xlabel 'message size (bytes)'
set ylabel 'ns per message (log)'
set xtics ('16' 16, '64' 64, '256' 256, '4 KiB' 4096, '64 KiB' 65536)
set grid
set key outside right top
plot $plot
GP
echo "chart.sh: wrote $out"
