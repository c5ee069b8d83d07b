crlf 1
crlf 2
crlf 3
crlf 4
crlf 5
