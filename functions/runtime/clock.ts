/**
 * The wall clock and new ids, for the edges only (Lambda handlers, the local
 * command): the core is handed time and ids as arguments.
 */
import { randomUUID } from "node:crypto";

/** Now, as RFC 3339 UTC in whole seconds (the precision every stored time has). */
export const clock = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/** A new story id: a random URN, never derived from the story, so it never changes. */
export const newStoryId = (): string => `urn:uuid:${randomUUID()}`;
