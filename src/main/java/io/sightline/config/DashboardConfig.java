package io.sightline.config;

import java.time.Duration;

/**
 * The dashboard at {@code /}: its login sessions and login rate limits.
 *
 * @param sessionLifetime           how long a login lasts (from the login; then the dashboard asks again)
 * @param loginAttemptsPerAddress   login attempts one client address may make per 60 s window
 * @param loginAttemptsPerAccount   login attempts on one account (e-mail) per 60 s window, from any address
 */
public record DashboardConfig(Duration sessionLifetime, int loginAttemptsPerAddress, int loginAttemptsPerAccount) {
}
