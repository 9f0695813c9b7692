"""Markdown tables from results.json files of bench/tracker/run.py: medians over the rounds and ratios to the other trackers.

    python bench/tracker/summarize.py RESULTS.json [MORE.json ...]

With several files, the rounds of all of them are pooled. The tables are
printed, and with one file also written next to it as results.md.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

OURS = ("anirena-builtin-memory", "anirena-uvicorn-memory", "anirena-builtin-redis")
PEERS = ("opentracker", "bittorrent-tracker")
KINDS = ("udp-announce", "http-announce", "udp-scrape", "http-scrape")


def medians(results: list[dict], field: str) -> dict[tuple[str, str], float]:
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for result in results:
        if result["kind"] in KINDS:
            values[(result["tracker"], result["kind"])].append(result[field])
    return {key: statistics.median(numbers) for key, numbers in values.items()}


def rate_table(results: list[dict], field: str, title: str) -> list[str]:
    table = medians(results, field)
    lines = [
        f"{title}",
        "",
        "| tracker | " + " | ".join(KINDS) + " |",
        "|---|" + "---:|" * len(KINDS),
    ]
    for tracker in OURS + PEERS:
        cells = [f"{table[(tracker, kind)]:,.0f}" if (tracker, kind) in table else "" for kind in KINDS]
        lines.append(f"| {tracker} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| ratio | " + " | ".join(KINDS) + " |")
    lines.append("|---|" + "---:|" * len(KINDS))
    for ours in OURS:
        for peer in PEERS:
            cells = []
            for kind in KINDS:
                if (ours, kind) in table and (peer, kind) in table:
                    cells.append(f"{table[(ours, kind)] / table[(peer, kind)]:.2f}×")
                else:
                    cells.append("")
            lines.append(f"| {ours} / {peer} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def memory_table(results: list[dict]) -> list[str]:
    lines = ["| tracker | peers | RSS before | RSS after | bytes per peer | fill time |", "|---|---:|---:|---:|---:|---:|"]
    for result in results:
        if result["kind"] != "memory":
            continue
        lines.append(
            f"| {result['tracker']} | {result['peers']:,} | {result['rss_before'] / 2**20:,.0f} MiB | "
            f"{result['rss_after'] / 2**20:,.0f} MiB | {result['bytes_per_peer']:.0f} | {result['fill_seconds']} s |"
        )
    lines.append("")
    return lines


def summarize(session: dict) -> str:
    results = session["results"]
    loads = [value for result in results for value in (result["load_before"], result["load_after"])]
    lines = [
        f"Machine: {session['machine']}",
        f"Started {session['started']}; 1-minute load average during the runs: {min(loads)} to {max(loads)}.",
        "",
    ]
    lines += rate_table(results, "per_second", "Requests per second of wall time (median over the rounds):")
    lines += rate_table(results, "per_server_cpu_second", "Requests per second of tracker CPU time (median over the rounds):")
    lines += memory_table(results)
    return "\n".join(lines)


def main() -> None:
    paths = [Path(argument) for argument in sys.argv[1:]]
    sessions = [json.loads(path.read_text()) for path in paths]
    pooled = dict(sessions[0], results=[result for session in sessions for result in session["results"]])
    text = summarize(pooled)
    if len(paths) == 1:
        paths[0].with_suffix(".md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
