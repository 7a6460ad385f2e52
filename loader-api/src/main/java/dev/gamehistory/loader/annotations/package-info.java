/** Stability markers for the library's types. */
@NullMarked
package dev.gamehistory.loader.annotations;

import org.jspecify.annotations.NullMarked;
