package io.sightline.account;

/** A person who logs in to the dashboard; {@code email} is lower case. */
public record Account(int id, String email) {
}
