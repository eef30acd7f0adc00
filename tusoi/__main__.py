from tusoi.cli import main

main()
