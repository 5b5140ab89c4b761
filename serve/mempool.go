package serve

func (s *Server) mempoolRoutes() {}
