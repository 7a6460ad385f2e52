/**
 * The BigQuery backend's implementation: settings, SQL, job lifecycle, error classification, row
 * mapping, seeding. The public types reach it only through {@link
 * dev.gamehistory.loader.bigquery.internal.BigQueryInternals}, the one seam; nothing here is API.
 */
@NullMarked
@Internal
package dev.gamehistory.loader.bigquery.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
