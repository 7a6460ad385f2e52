package dev.gamehistory.loader.bigquery.internal;

import com.google.api.services.bigquery.model.ErrorProto;
import com.google.api.services.bigquery.model.GetQueryResultsResponse;
import com.google.api.services.bigquery.model.QueryResponse;
import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import java.math.BigInteger;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What one response of {@code jobs.query} or {@code jobs.getQueryResults} says about the result. */
record ResultPage(boolean complete, List<TableRow> rows, @Nullable String pageToken,
    @Nullable BigInteger totalRows, @Nullable TableSchema schema, @Nullable Long bytesProcessed,
    @Nullable Boolean cacheHit, List<ErrorProto> errors) {

  static ResultPage of(QueryResponse response) {
    return new ResultPage(Boolean.TRUE.equals(response.getJobComplete()), listOf(response.getRows()),
        response.getPageToken(), response.getTotalRows(), response.getSchema(),
        response.getTotalBytesProcessed(), response.getCacheHit(), listOf(response.getErrors()));
  }

  static ResultPage of(GetQueryResultsResponse response) {
    return new ResultPage(Boolean.TRUE.equals(response.getJobComplete()), listOf(response.getRows()),
        response.getPageToken(), response.getTotalRows(), response.getSchema(),
        response.getTotalBytesProcessed(), response.getCacheHit(), listOf(response.getErrors()));
  }

  private static <T> List<T> listOf(@Nullable List<T> values) {
    return values == null ? List.of() : values;
  }
}
