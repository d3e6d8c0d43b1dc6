/* Fetching %include, %ksappend and kickstart URLs (http, https, ftp) with
 * libcurl; file: URLs are read as paths. */
#include <curl/curl.h>

#include "ks-internal.h"

bool ks_is_url(const char *s)
{
	return startswith(s, "http://") || startswith(s, "https://") || startswith(s, "ftp://") ||
	       startswith(s, "file:");
}

static size_t write_cb(char *data, size_t size, size_t n, void *userdata)
{
	strbuf_add(userdata, data, size * n);
	return size * n;
}

int ks_fetch_url(const char *url, struct strbuf *out, char **ret_err)
{
	if (startswith(url, "file:")) {
		const char *path = url + 5;
		if (startswith(path, "//"))
			path += 2;
		int k = strbuf_read_file(out, path);
		if (k < 0)
			*ret_err = xstrdup(strerror(-k));
		return k;
	}

	CURL *c = curl_easy_init();
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;

	if (!c) {
		*ret_err = xstrdup("cannot initialize libcurl");
		return -ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		*ret_err = xstrdup(*errbuf ? errbuf : curl_easy_strerror(rc));
		return -EIO;
	}
	if (status >= 400) {
		*ret_err = xasprintf("HTTP status %ld", status);
		return -ENOENT;
	}
	strbuf_grow(out, 0);
	return 0;
}
