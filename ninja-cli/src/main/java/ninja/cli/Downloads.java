package ninja.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import ninja.data.DataLocator;

/** The one-time download of names.txt, with a progress bar on stderr (me.tongfei:progressbar). */
final class Downloads {
    private Downloads() {
    }

    static final class ProgressDownloader implements DataLocator.Downloader {
        @Override
        public InputStream open(String url, long[] contentLength) throws IOException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build();
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new IOException("HTTP " + resp.statusCode() + " from " + url);
            }
            long length = resp.headers().firstValueAsLong("content-length").orElse(-1);
            contentLength[0] = length;
            ProgressBarBuilder pbb = new ProgressBarBuilder().setTaskName("names.txt").setUnit("KB", 1024)
                    .setInitialMax(length).setStyle(ProgressBarStyle.ASCII).continuousUpdate();
            return ProgressBar.wrap(resp.body(), pbb);
        }
    }
}
