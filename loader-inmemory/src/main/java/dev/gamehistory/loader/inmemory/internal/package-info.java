/** The in-memory backend's implementation: the window index, the CSV tokenizer, generated names. */
@NullMarked
@Internal
package dev.gamehistory.loader.inmemory.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
