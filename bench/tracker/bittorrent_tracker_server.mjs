// Start the npm `bittorrent-tracker` Server on 127.0.0.1 with HTTP and UDP on,
// as a second tracker implementation for the scrape tests and the benchmarks.
//
//   node bittorrent_tracker_server.mjs --dir DIR [--http-port N] [--udp-port N] [--max-seconds S]
//
// DIR is the folder where `npm install --ignore-scripts bittorrent-tracker` ran.
// Port 0 (the default) picks a free port, which differs between the IPv4 and the
// IPv6 UDP socket. Once all sockets listen, one JSON line
// {"http": PORT, "udp": PORT, "udp6": PORT} is printed. The server stops on SIGTERM or SIGINT,
// when standard input closes (so it never outlives the process that started it),
// and after --max-seconds (default 600).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'http-port': { type: 'string', default: '0' },
    'udp-port': { type: 'string', default: '0' },
    'max-seconds': { type: 'string', default: '600' }
  }
})
if (!values.dir) {
  console.error('missing --dir: the folder that contains node_modules/bittorrent-tracker')
  process.exit(2)
}

// ESM resolves bare imports next to this file, not next to DIR, so load the package by path.
// server.js, unlike index.js, does not load the WebRTC client and its native module,
// which `npm install --ignore-scripts` leaves unbuilt.
const entry = join(values.dir, 'node_modules', 'bittorrent-tracker', 'server.js')
const { default: Server } = await import(pathToFileURL(entry).href)

const server = new Server({ http: true, udp: true, ws: false, stats: false })
server.on('error', (error) => {
  console.error(`bittorrent-tracker error: ${error.message}`)
  process.exit(1)
})
server.on('warning', () => {})

function stop () {
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.resume()
setTimeout(stop, Number(values['max-seconds']) * 1000).unref()

server.listen(
  { http: Number(values['http-port']), udp: Number(values['udp-port']) },
  // The IPv6 UDP socket is always created, so it gets the IPv6 loopback address.
  { http: '127.0.0.1', udp: '127.0.0.1', udp6: '::1' },
  () => {
    const ports = {
      http: server.http.address().port,
      udp: server.udp4.address().port,
      udp6: server.udp6.address().port
    }
    process.stdout.write(JSON.stringify(ports) + '\n')
  }
)
