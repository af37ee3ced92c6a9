from sharelytics.cli import main

main()
