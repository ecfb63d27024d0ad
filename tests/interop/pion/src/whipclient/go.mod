module whipclient

go 1.19
