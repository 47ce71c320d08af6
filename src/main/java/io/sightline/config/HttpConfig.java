package io.sightline.config;

/**
 * The public HTTP server.
 *
 * @param instances  event-loop verticle instances; 0 means one per core
 * @param publicUrl  the URL browsers reach Sightline at (for the tracker snippet); empty means derived from host and port
 */
public record HttpConfig(String host, int port, int instances, long maxBodyBytes, String publicUrl) {
}
