package io.sightline.config;

import java.time.Duration;

/**
 * The public HTTP server.
 *
 * @param instances                event-loop verticle instances; 0 means one per core
 * @param publicUrl                the URL browsers reach Sightline at (for the tracker snippet); empty means derived from host and port
 * @param headerTimeout            how long a client may take to send a request's line and headers, from the connection's
 *                                 opening or the end of the previous answer on it (so also how long a kept-alive connection may idle)
 * @param bodyTimeout              how long a client may take to send a request's body once its headers arrived
 * @param maxConnectionsPerAddress open connections one client address may hold; 0 = no limit; trusted proxies are not limited
 */
public record HttpConfig(String host, int port, int instances, long maxBodyBytes, String publicUrl, Duration headerTimeout,
                         Duration bodyTimeout, int maxConnectionsPerAddress) {
}
