public class { }
