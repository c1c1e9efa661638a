-- wrk script: HEAD requests of the URL given (wrk's command line has no method option).

wrk.method = "HEAD"
