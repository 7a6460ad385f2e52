/**
 * A game-day coordinator built on the library: loads the slate's histories and hands each player's
 * to a worker, treating failed players explicitly instead of as players without games.
 */
@NullMarked
package dev.gamehistory.examples.coordinator;

import org.jspecify.annotations.NullMarked;
