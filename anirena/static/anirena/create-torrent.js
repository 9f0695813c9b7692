// Build a BitTorrent v1, v2 or hybrid .torrent from local files, in the browser.
// Files never leave the machine: only the resulting .torrent is put into the upload form.
// Hashing uses WebCrypto, which browsers offer only on https pages and on 127.0.0.1/localhost.
"use strict";

const BLOCK = 16384;
const encoder = new TextEncoder();

// --- bencode -------------------------------------------------------------------------------

function concatBytes(parts) {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) { out.set(part, offset); offset += part.length; }
  return out;
}

function compareBytes(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function bencode(value) {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`cannot bencode ${value}`);
    return encoder.encode(`i${value}e`);
  }
  if (typeof value === "string") value = encoder.encode(value);
  if (value instanceof Uint8Array) return concatBytes([encoder.encode(`${value.length}:`), value]);
  if (Array.isArray(value)) return concatBytes([encoder.encode("l"), ...value.map(bencode), encoder.encode("e")]);
  // Dictionaries: keys sorted as raw bytes, as BEP 3 requires.
  const entries = Object.entries(value).filter(([, item]) => item !== undefined)
    .map(([key, item]) => [encoder.encode(key), item])
    .sort((a, b) => compareBytes(a[0], b[0]));
  const parts = [encoder.encode("d")];
  for (const [key, item] of entries) parts.push(bencode(key), bencode(item));
  parts.push(encoder.encode("e"));
  return concatBytes(parts);
}

// --- hashing --------------------------------------------------------------------------------

async function digest(algorithm, bytes) {
  return new Uint8Array(await crypto.subtle.digest(algorithm, bytes));
}

function isPowerOfTwo(n) { return n > 0 && (n & (n - 1)) === 0; }

function nextPowerOfTwo(n) { let p = 1; while (p < n) p *= 2; return p; }

async function merkleLevel(nodes) {
  const parents = [];
  for (let i = 0; i < nodes.length; i += 2) parents.push(await digest("SHA-256", concatBytes([nodes[i], nodes[i + 1]])));
  return parents;
}

// Root of `count` leaves that are all the hash of nothing (32 zero bytes), count a power of two.
async function zeroSubtreeRoot(count) {
  let node = new Uint8Array(32);
  for (let width = 1; width < count; width *= 2) node = await digest("SHA-256", concatBytes([node, node]));
  return node;
}

// BEP 52 for one file: leaves are SHA-256 of 16 KiB blocks, padded with zero hashes to a power of
// two. Returns the pieces root and, for files longer than one piece, the piece layer.
async function hashFileV2(blockHashes, pieceLength) {
  const blocksPerPiece = pieceLength / BLOCK;
  let level = blockHashes.slice();
  const leafCount = nextPowerOfTwo(Math.max(level.length, 1));
  while (level.length < leafCount) level.push(new Uint8Array(32));
  let width = 1;
  let pieceLayer = null;
  const pieceCount = Math.ceil(blockHashes.length / blocksPerPiece);
  while (level.length > 1) {
    if (width === blocksPerPiece) pieceLayer = level.slice(0, pieceCount);
    level = await merkleLevel(level);
    width *= 2;
  }
  if (width === blocksPerPiece && pieceLayer === null) pieceLayer = level.slice(0, pieceCount);
  const hasLayer = blockHashes.length > blocksPerPiece;
  if (hasLayer && pieceLayer === null) throw new Error("piece layer missing");
  return { root: level[0], layer: hasLayer ? concatBytes(pieceLayer) : null };
}

// --- building --------------------------------------------------------------------------------

function choosePieceLength(totalSize) {
  let length = BLOCK;
  while (length < 16 * 1024 * 1024 && totalSize / length > 1500) length *= 2;
  return length;
}

// Entries: [{file: File, path: ["folder", "name.ext"]}]; the first path element of multi-file
// torrents is the torrent's name and is stripped here.
async function buildTorrent(entries, options, onProgress) {
  if (!window.crypto || !crypto.subtle) throw new Error("This browser cannot hash files on a page served over plain http.");
  if (!entries.length) throw new Error("Choose at least one file.");
  const version = options.version;
  const withV1 = version !== "v2";
  const withV2 = version !== "v1";
  const totalSize = entries.reduce((sum, entry) => sum + entry.file.size, 0);
  if (totalSize === 0) throw new Error("The chosen files are all empty.");
  const pieceLength = options.pieceLength || choosePieceLength(totalSize);
  if (!isPowerOfTwo(pieceLength) || pieceLength < BLOCK) throw new Error("The piece size must be a power of two of at least 16 KiB.");

  const single = entries.length === 1 && entries[0].path.length === 1;
  // Files picked from a folder carry "folder/..." paths; the folder becomes the torrent's name.
  const fromFolder = entries.every((entry) => entry.path.length > 1);
  const name = options.name || (fromFolder ? entries[0].path[0] : single ? entries[0].path[0] : "New torrent");
  const files = entries.map((entry) => ({ ...entry, inner: single ? [] : fromFolder ? entry.path.slice(1) : entry.path }));
  files.sort((a, b) => compareBytes(encoder.encode(a.inner.join("/")), encoder.encode(b.inner.join("/"))));

  const v1Pieces = [];
  let pending = new Uint8Array(0);  // v1 bytes not yet filling a whole piece
  const v1Files = [];
  const fileTree = {};
  const pieceLayers = {};
  let done = 0;

  for (let index = 0; index < files.length; index++) {
    const { file, inner } = files[index];
    const blockHashes = [];
    for (let offset = 0; offset < file.size; offset += pieceLength) {
      const chunk = new Uint8Array(await file.slice(offset, Math.min(offset + pieceLength, file.size)).arrayBuffer());
      if (withV2) {
        for (let start = 0; start < chunk.length; start += BLOCK) {
          blockHashes.push(await digest("SHA-256", chunk.subarray(start, Math.min(start + BLOCK, chunk.length))));
        }
      }
      if (withV1) {
        pending = concatBytes([pending, chunk]);
        while (pending.length >= pieceLength) {
          v1Pieces.push(await digest("SHA-1", pending.subarray(0, pieceLength)));
          pending = pending.slice(pieceLength);
        }
      }
      done += chunk.length;
      onProgress && onProgress(done / totalSize);
    }
    if (withV1) {
      v1Files.push({ length: file.size, path: inner });
      // Hybrid torrents align every file but the last to a piece boundary with a BEP 47 pad file.
      const remainder = pending.length;
      if (withV2 && remainder > 0 && index < files.length - 1) {
        const padLength = pieceLength - remainder;
        v1Files.push({ attr: "p", length: padLength, path: [".pad", String(padLength)] });
        pending = concatBytes([pending, new Uint8Array(padLength)]);
        v1Pieces.push(await digest("SHA-1", pending));
        pending = new Uint8Array(0);
      }
    }
    if (withV2) {
      let node = fileTree;
      const parts = single ? [name] : inner;
      for (const part of parts) node = node[part] = node[part] || {};
      if (file.size === 0) {
        node[""] = { length: 0 };
      } else {
        const { root, layer } = await hashFileV2(blockHashes, pieceLength);
        node[""] = { length: file.size, "pieces root": root };
        if (layer) pieceLayers[String.fromCharCode(...root)] = layer;
      }
    }
  }
  if (withV1 && pending.length > 0) v1Pieces.push(await digest("SHA-1", pending));

  const info = { name, "piece length": pieceLength };
  if (withV1) {
    info.pieces = concatBytes(v1Pieces);
    if (single) info.length = files[0].file.size;
    else info.files = v1Files;
  }
  if (withV2) {
    info["meta version"] = 2;
    info["file tree"] = fileTree;
  }
  if (options.private) info.private = 1;

  const torrent = { info, "creation date": Math.floor(Date.now() / 1000), "created by": "AniRena web creator" };
  const tiers = options.trackers;
  if (tiers.length) {
    torrent.announce = tiers[0][0];
    torrent["announce-list"] = tiers;
  }
  if (options.comment) torrent.comment = options.comment;
  if (withV2) torrent["piece layers"] = binaryKeyedDict(pieceLayers);
  return bencodeWithBinaryKeys(torrent);
}

// Piece-layer keys are raw 32-byte hashes; they are carried as latin-1 strings until encoding.
function binaryKeyedDict(map) { return { __binaryKeys: map }; }

function bencodeWithBinaryKeys(torrent) {
  const layers = torrent["piece layers"];
  if (!layers) return bencode(torrent);
  const entries = Object.entries(layers.__binaryKeys)
    .map(([key, value]) => [Uint8Array.from(key, (c) => c.charCodeAt(0)), value])
    .sort((a, b) => compareBytes(a[0], b[0]));
  const encodedLayers = concatBytes([encoder.encode("d"), ...entries.flatMap(([k, v]) => [bencode(k), bencode(v)]), encoder.encode("e")]);
  const marker = "\u0000piece-layers\u0000";
  const withMarker = bencode({ ...torrent, "piece layers": marker });
  const needle = bencode(marker);
  for (let i = 0; i <= withMarker.length - needle.length; i++) {
    if (compareBytes(withMarker.subarray(i, i + needle.length), needle) === 0) {
      return concatBytes([withMarker.subarray(0, i), encodedLayers, withMarker.subarray(i + needle.length)]);
    }
  }
  throw new Error("internal error while encoding piece layers");
}

function parseTrackerTiers(text) {
  const tiers = [[]];
  for (const line of text.split(/\r?\n/)) {
    const url = line.trim();
    if (!url) { if (tiers[tiers.length - 1].length) tiers.push([]); continue; }
    tiers[tiers.length - 1].push(url);
  }
  return tiers.filter((tier) => tier.length);
}

// --- page wiring -----------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("create-form");
  if (!form) return;
  const status = document.getElementById("create-status");
  const progress = document.getElementById("create-progress");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const picked = [...form.querySelector("#create-files").files];
    const entries = picked.map((file) => ({
      file,
      path: (file.webkitRelativePath || file.name).split("/").filter(Boolean),
    }));
    const options = {
      version: form.querySelector("#create-version").value,
      pieceLength: Number(form.querySelector("#create-piece-length").value) || 0,
      trackers: parseTrackerTiers(form.querySelector("#create-trackers").value),
      comment: form.querySelector("#create-comment").value.trim(),
      private: form.querySelector("#create-private").checked,
      name: form.querySelector("#create-name").value.trim(),
    };
    status.textContent = "";
    progress.hidden = false;
    try {
      const bytes = await buildTorrent(entries, options, (fraction) => { progress.value = fraction; });
      const name = (options.name || entries[0].path[0]).replace(/[\\/:*?"<>|]+/g, "_");
      const file = new File([bytes], `${name}.torrent`, { type: "application/x-bittorrent" });
      // Hand the new .torrent to the Upload tab, which sends it with the same metadata fields.
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const input = document.getElementById("id_torrent");
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      const download = document.getElementById("create-download");
      download.href = URL.createObjectURL(file);
      download.download = file.name;
      download.hidden = false;
      status.textContent = status.dataset.done;
      document.getElementById("tab-upload").click();
    } catch (error) {
      status.textContent = error.message;
    } finally {
      progress.hidden = true;
    }
  });
});

window.AniRenaCreate = { buildTorrent, bencode, parseTrackerTiers };
