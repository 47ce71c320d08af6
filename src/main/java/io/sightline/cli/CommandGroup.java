package io.sightline.cli;

import picocli.CommandLine.ParentCommand;

/** A command group under {@code sightline} (keys, goals, hum...): it knows the root for the environment and output. */
abstract class CommandGroup {
  @ParentCommand
  SightlineCommand root;
}
